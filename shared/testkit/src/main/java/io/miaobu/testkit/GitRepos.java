package io.miaobu.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;

/**
 * A real Git repository (with a working tree) for tests, built with JGit so no {@code git} binary is
 * needed. The default branch is {@code main}.
 *
 * <pre>{@code
 * GitRepos repo = GitRepos.create(tempDir.resolve("site"));
 * String first = repo.write("index.html", "<h1>v1</h1>").commit("First");
 * repo.branch("dev").write("index.html", "<h1>dev</h1>").commit("On dev");
 * repo.checkout("main");
 * }</pre>
 *
 * <p>Commits use a fixed author ({@value #AUTHOR_NAME} &lt;{@value #AUTHOR_EMAIL}&gt;) and ignore
 * the user's Git configuration (signing and the like), so tests behave the same everywhere.
 */
public final class GitRepos {
    public static final String DEFAULT_BRANCH = "main";
    public static final String AUTHOR_NAME = "Miaobu Test";
    public static final String AUTHOR_EMAIL = "test@miaobu.invalid";

    private final Path dir;
    private String authorName = AUTHOR_NAME;
    private String authorEmail = AUTHOR_EMAIL;

    private GitRepos(Path dir) {
        this.dir = dir;
    }

    /** Initialises an empty repository in {@code dir} (created if missing) on branch {@code main}. */
    public static GitRepos create(Path dir) {
        try {
            Files.createDirectories(dir);
            try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch(DEFAULT_BRANCH).call()) {
                StoredConfig config = git.getRepository().getConfig();
                config.setBoolean("commit", null, "gpgSign", false);
                config.setBoolean("tag", null, "gpgSign", false);
                config.setString("user", null, "name", AUTHOR_NAME);
                config.setString("user", null, "email", AUTHOR_EMAIL);
                config.save();
            }
            return new GitRepos(dir.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException("could not create a Git repository in " + dir, e);
        }
    }

    /** The working tree directory. */
    public Path path() {
        return dir;
    }

    /** The repository as a {@code file://} URL, e.g. {@code file:///tmp/junit123/site/}. */
    public String fileUrl() {
        return dir.toUri().toString();
    }

    /** Sets the author (and committer) of the following commits. */
    public GitRepos author(String name, String email) {
        this.authorName = name;
        this.authorEmail = email;
        return this;
    }

    /** Writes a UTF-8 file in the working tree, creating parent directories. Staged by {@link #commit}. */
    public GitRepos write(String path, String content) {
        return write(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a file in the working tree, creating parent directories. Staged by {@link #commit}. */
    public GitRepos write(String path, byte[] content) {
        Path file = file(path);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Creates a symbolic link {@code path -> target} in the working tree (replacing what was there),
     * committed as a link by {@link #commit}. {@code target} is stored as given: absolute or relative.
     */
    public GitRepos symlink(String path, String target) {
        Path link = file(path);
        try {
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Deletes a file from the working tree. Staged by {@link #commit}. */
    public GitRepos delete(String path) {
        try {
            Files.deleteIfExists(file(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Stages every change in the working tree (new, modified and deleted files) and commits it on the
     * current branch. Empty commits are allowed.
     *
     * @return the new commit's full SHA
     */
    public String commit(String message) {
        try (Git git = open()) {
            git.add().addFilepattern(".").call();
            git.add().addFilepattern(".").setUpdate(true).call();
            PersonIdent who = new PersonIdent(authorName, authorEmail, Instant.now(), ZoneOffset.UTC);
            return git.commit()
                    .setMessage(message)
                    .setAuthor(who)
                    .setCommitter(who)
                    .setSign(false)
                    .setAllowEmpty(true)
                    .call()
                    .getName();
        } catch (GitAPIException e) {
            throw new IllegalStateException("could not commit in " + dir, e);
        }
    }

    /**
     * Creates branch {@code name} at the current commit and switches to it (like
     * {@code git checkout -b name}). Needs at least one commit.
     */
    public GitRepos branch(String name) {
        try (Git git = open()) {
            git.checkout().setCreateBranch(true).setName(name).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("could not create branch " + name + " in " + dir, e);
        }
        return this;
    }

    /** Switches to an existing branch (or detaches at a commit SHA). */
    public GitRepos checkout(String name) {
        try (Git git = open()) {
            git.checkout().setName(name).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("could not check out " + name + " in " + dir, e);
        }
        return this;
    }

    /** Creates a lightweight tag at the current commit. */
    public GitRepos tag(String name) {
        try (Git git = open()) {
            git.tag().setName(name).setAnnotated(false).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("could not tag " + name + " in " + dir, e);
        }
        return this;
    }

    /** The full SHA of the current commit ({@code HEAD}). */
    public String head() {
        try (Git git = open()) {
            ObjectId id = git.getRepository().resolve("HEAD");
            if (id == null) {
                throw new IllegalStateException("no commits yet in " + dir);
            }
            return id.getName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The current branch name, or the SHA when HEAD is detached. */
    public String currentBranch() {
        try (Git git = open()) {
            return git.getRepository().getBranch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "GitRepos[" + dir + "]";
    }

    private Path file(String path) {
        Path file = dir.resolve(path).normalize();
        if (!file.startsWith(dir) || file.startsWith(dir.resolve(".git"))) {
            throw new IllegalArgumentException("path outside the working tree: " + path);
        }
        return file;
    }

    private Git open() {
        try {
            return Git.open(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
