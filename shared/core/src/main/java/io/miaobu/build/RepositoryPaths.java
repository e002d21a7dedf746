package io.miaobu.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths a repository chooses (its root directory, its output directory) resolved the way the file
 * system will resolve them: through every symbolic link, then compared with the repository's own real
 * path. A lexical check alone lets {@code site -> /} publish the builder's file system.
 */
public final class RepositoryPaths {
    private RepositoryPaths() {}

    /** The project's root directory inside {@code repo} (the repository itself when {@code rootDirectory} is null). */
    public static Path rootDirectory(Path repo, String rootDirectory) throws BuildFailure {
        if (rootDirectory == null) {
            return repo;
        }
        Path root = repo.resolve(rootDirectory).normalize();
        if (!root.startsWith(repo) || !Files.isDirectory(root)) {
            throw new BuildFailure("Root directory `" + rootDirectory + "` does not exist in the repository; "
                    + "set rootDirectory to the folder that holds your site.");
        }
        if (!insideRealPath(repo, root)) {
            throw new BuildFailure("Root directory `" + rootDirectory + "` is a symbolic link (or goes through one) to a folder "
                    + "outside the repository; set rootDirectory to a real folder inside the repository.");
        }
        return root;
    }

    /** Whether {@code path}, every link followed, is inside {@code repo}'s real path. False when it cannot be resolved. */
    public static boolean insideRealPath(Path repo, Path path) {
        try {
            return path.toRealPath().startsWith(repo.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
