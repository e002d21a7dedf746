package io.miaobu.build.detect;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What is wrong with a repository path on this machine (local mode), said as a person would fix
 * it: a clone error for a path would otherwise talk about URLs, access and GitHub.
 */
public final class LocalRepositories {
    private LocalRepositories() {}

    /** Empty when {@code gitUrl} is not a local path, or names a folder that holds a Git repository. */
    public static Optional<String> problem(String gitUrl) {
        Path path;
        if (gitUrl.startsWith("/")) {
            path = Path.of(gitUrl);
        } else if (gitUrl.startsWith("file:")) {
            try {
                path = Path.of(URI.create(gitUrl));
            } catch (IllegalArgumentException e) {
                return Optional.of("\"" + gitUrl + "\" is not a file:// URL of a folder; give the repository's folder, like /home/you/site.");
            }
        } else {
            return Optional.empty();
        }
        if (!Files.exists(path)) {
            return Optional.of("Nothing exists at " + path + " on this machine. Check the path to the repository's folder.");
        }
        if (!Files.isDirectory(path)) {
            return Optional.of(path + " is a file; give the folder that holds the repository.");
        }
        boolean worktree = Files.exists(path.resolve(".git"));
        boolean bare = Files.isRegularFile(path.resolve("HEAD")) && Files.isDirectory(path.resolve("objects"));
        if (!worktree && !bare) {
            return Optional.of(path + " is a folder but not a Git repository: run `git init` and commit there, or give the repository's own folder.");
        }
        return Optional.empty();
    }
}
