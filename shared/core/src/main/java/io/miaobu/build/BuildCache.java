package io.miaobu.build;

import io.miaobu.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The build cache (DESIGN §6): after a successful build, the package manager's download store,
 * {@code node_modules} and framework caches are kept, keyed by project, lockfile, Node.js version,
 * install command and build user, and put back before the next install. Two stores: a directory on
 * the builder's own disk (local mode: entries are moved in and out, no copying) and archives in the
 * ArtifactStore (FC). Failures never fail a build: they cost a clean install and one log line.
 */
public interface BuildCache {
    /**
     * What one build caches, and under which key.
     *
     * @param scope "production" or "preview-{branch}": a preview without its own entry uses production's
     * @param paths relative to the build's workspace ("home/.npm", "repo/node_modules")
     */
    record Key(String projectId, String scope, String hash, List<String> paths) {}

    /**
     * Puts the newest entry with this key into the workspace, handed to the build's sandbox; false (with a
     * log line) when there is none or it is damaged or suspicious.
     */
    boolean restore(Key key, Path workspace, BuildSandbox sandbox, Map<String, String> env, BuildOutput log,
                    BooleanSupplier canceled) throws BuildCanceled;

    /** Keeps the cached paths of a successful build, replacing the entry of the same scope and key. */
    void save(Key key, Path workspace, BuildSandbox sandbox, Map<String, String> env, BuildOutput log,
              BooleanSupplier canceled) throws BuildCanceled;

    /**
     * After a build that failed (or was canceled) once its install had succeeded: a store whose restore takes
     * the entry away keeps what the build installed, so the next build does not start from scratch. A store
     * that restores copies still has its entry and keeps nothing more.
     */
    default void keepAfterFailedBuild(Key key, Path workspace, BuildSandbox sandbox, Map<String, String> env, BuildOutput log)
            throws BuildCanceled {}

    /**
     * The key: the lockfiles (or, without one, the package.json files), the Node.js version, the install
     * command, the cached paths and anything else that changes what an install produces ({@code salt}).
     */
    static Key key(String projectId, String scope, Path repo, List<String> keyFiles, String nodeVersion,
                   String installCommand, List<String> paths, String salt) throws IOException {
        MessageDigest sha = Sha256.digest();
        for (String file : keyFiles) {
            sha.update(file.getBytes(StandardCharsets.UTF_8));
            Path p = repo.resolve(file).normalize();
            if (p.startsWith(repo) && Files.isRegularFile(p)) {
                sha.update(Files.readAllBytes(p));
            }
        }
        sha.update(("\0node " + nodeVersion + "\0install " + installCommand + "\0paths " + String.join(",", paths)
                + "\0" + salt).getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 20);
        String cleanScope = scope.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-+", "-");
        return new Key(projectId, cleanScope, hash, paths);
    }

    static String human(long bytes) {
        return bytes < 1024 * 1024 ? String.format("%.1f KiB", bytes / 1024.0) : String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
