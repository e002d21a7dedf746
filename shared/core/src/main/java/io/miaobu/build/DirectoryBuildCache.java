package io.miaobu.build;

import io.miaobu.config.PrivateFiles;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The build cache in a directory on the builder's own disk (local mode): {@code {root}/{projectId}/{scope}--{key}/}
 * holds the cached paths of the last successful build. They are moved (renamed, not copied) into the
 * next build's workspace and back after it, so a warm install costs no unpacking at all. A preview
 * without its own entry gets a copy of production's, which production keeps. Each project keeps one
 * entry per scope, within a total size cap (oldest evicted first).
 */
public final class DirectoryBuildCache implements BuildCache {
    private static final String MARKER = ".miaobu-cache-entry";

    private final Path root;
    private final long maxBytes;
    private final Clock clock;

    public DirectoryBuildCache(Path root, long maxBytes, Clock clock) {
        this.root = root;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    private Path entry(Key key, String scope) {
        return root.resolve(key.projectId()).resolve(scope + "--" + key.hash());
    }

    @Override
    public boolean restore(Key key, Path workspace, BuildSandbox sandbox, Map<String, String> env, BuildOutput log,
                           BooleanSupplier canceled) {
        long start = System.nanoTime();
        Path own = entry(key, key.scope());
        Path production = entry(key, "production");
        Path taken = workspace.resolve("cache-taken-" + UUID.randomUUID());
        try {
            if (Files.isRegularFile(own.resolve(MARKER))) {
                // Renaming the entry away first makes it ours alone, even with a concurrent build of the project.
                Files.move(own, taken, StandardCopyOption.ATOMIC_MOVE);
                for (String p : key.paths()) {
                    Path from = taken.resolve(p);
                    Path to = workspace.resolve(p);
                    if (Files.exists(from, LinkOption.NOFOLLOW_LINKS) && !Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                        makeParents(to, workspace, sandbox);
                        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                        handOver(to, workspace, sandbox);
                    }
                }
                log.system(String.format("Build cache restored from the previous build in %.1fs.", (System.nanoTime() - start) / 1e9));
                return true;
            }
            if (!key.scope().equals("production") && Files.isRegularFile(production.resolve(MARKER))) {
                for (String p : key.paths()) {
                    Path from = production.resolve(p);
                    Path to = workspace.resolve(p);
                    if (Files.exists(from, LinkOption.NOFOLLOW_LINKS) && !Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                        makeParents(to, workspace, sandbox);
                        FileTrees.copy(from, to);
                        handOver(to, workspace, sandbox);
                    }
                }
                log.system(String.format("Build cache restored from the production build (copied) in %.1fs.", (System.nanoTime() - start) / 1e9));
                return true;
            }
            log.system("Build cache: none for this lockfile and Node.js version yet: installing from scratch.");
            return false;
        } catch (Suspicious e) {
            removeRestored(key, workspace);
            FileTrees.delete(own);
            log.system("Build cache discarded (" + e.getMessage() + "): installing from scratch.");
            return false;
        } catch (AtomicMoveNotSupportedException e) {
            log.system("Build cache is on another disk than the build directory (" + e.getMessage() + "): installing from scratch.");
            return false;
        } catch (IOException | RuntimeException e) {
            removeRestored(key, workspace);
            log.system("Build cache could not be restored (" + e + "): installing from scratch.");
            return false;
        } finally {
            FileTrees.delete(taken);
        }
    }

    @Override
    public void save(Key key, Path workspace, BuildSandbox sandbox, Map<String, String> env, BuildOutput log,
                     BooleanSupplier canceled) {
        long start = System.nanoTime();
        Path projectDir = root.resolve(key.projectId());
        Path incoming = projectDir.resolve(".incoming-" + UUID.randomUUID());
        try {
            PrivateFiles.directory(root); // the platform's alone: builds never see it, whatever their uid
            Files.createDirectories(incoming);
            for (String p : key.paths()) {
                Path from = workspace.resolve(p);
                if (throughLink(from, workspace)) {
                    // The build made `.next` a link to somewhere else: the platform would move that place into the cache.
                    log.system("Build cache: `" + p + "` not saved, a folder above it is a link.");
                } else if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    Path to = incoming.resolve(p);
                    Files.createDirectories(to.getParent());
                    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            long bytes = size(incoming);
            String without = "";
            if (bytes > maxBytes && Files.isDirectory(incoming.resolve("home"))) {
                // The package manager's download cache repeats what node_modules holds (yarn 1 keeps every package
                // unpacked): node_modules and the framework's caches are what make the next build fast.
                FileTrees.delete(incoming.resolve("home"));
                long all = bytes;
                bytes = size(incoming);
                without = " without the package manager's download cache (" + BuildCache.human(all) + " with it is over the limit of "
                        + BuildCache.human(maxBytes) + ")";
            }
            if (bytes > maxBytes) {
                log.system("Build cache not saved: " + BuildCache.human(bytes) + " is over the limit of " + BuildCache.human(maxBytes) + ".");
                return;
            }
            Files.writeString(incoming.resolve(MARKER), clock.millis() + " " + bytes + "\n");
            // One entry per scope: the newest replaces whatever the scope had, whatever its key.
            for (Path old : entries(projectDir)) {
                if (old.getFileName().toString().startsWith(key.scope() + "--")) {
                    FileTrees.delete(old);
                }
            }
            Files.move(incoming, entry(key, key.scope()), StandardCopyOption.ATOMIC_MOVE);
            int evicted = evict(projectDir);
            log.system(String.format("Build cache saved (%s)%s in %.1fs%s.", BuildCache.human(bytes), without, (System.nanoTime() - start) / 1e9,
                    evicted > 0 ? "; " + evicted + " older entr" + (evicted == 1 ? "y" : "ies") + " removed" : ""));
        } catch (IOException | RuntimeException e) {
            log.system("Build cache not saved (" + e + ").");
        } finally {
            FileTrees.delete(incoming);
        }
    }

    /** Restoring took the entry out of the cache: put back what the failed build installed (its install succeeded). */
    @Override
    public void keepAfterFailedBuild(Key key, Path workspace, BuildSandbox sandbox, Map<String, String> env, BuildOutput log) {
        save(key, workspace, sandbox, env, log, () -> false);
    }

    /** Takes back what a failed restore put into the workspace, never through a link the checkout made. */
    private static void removeRestored(Key key, Path workspace) {
        for (String p : key.paths()) {
            if (!throughLink(workspace.resolve(p), workspace)) {
                FileTrees.delete(workspace.resolve(p));
            }
        }
    }

    /** Whether a folder between the workspace and {@code path} is a link: the build's own files reached through it could be anyone's. */
    private static boolean throughLink(Path path, Path workspace) {
        for (Path q = path.getParent(); q.startsWith(workspace) && !q.equals(workspace); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Creates the folders above a restored path that the checkout does not have ({@code .next} above
     * {@code .next/cache}) and hands them to the build before anything is moved in: made by the platform,
     * they would stay its own, and the build could not write beside the restored path ({@code .next/trace}).
     */
    private static void makeParents(Path restored, Path workspace, BuildSandbox sandbox) throws IOException {
        Path topmostMissing = null;
        for (Path p = restored.getParent(); p.startsWith(workspace) && !p.equals(workspace); p = p.getParent()) {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                topmostMissing = p;
            } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                // The checkout's own `.next` as a link elsewhere: the platform would move the cache there.
                throw new Suspicious("`" + workspace.relativize(p) + "` in the checkout is not a folder");
            }
        }
        if (topmostMissing != null) {
            Files.createDirectories(restored.getParent());
            sandbox.prepare(topmostMissing);
        }
    }

    /**
     * Checks what a restore put into the workspace and hands it to the build: a cache holds only files,
     * folders and links that stay inside the workspace; anything else (a device, a socket, a link to
     * an absolute path outside) means someone other than the build made it, and the cache is dropped.
     */
    private static void handOver(Path restored, Path workspace, BuildSandbox sandbox) throws IOException {
        Files.walkFileTree(restored, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    Path target = Files.readSymbolicLink(file);
                    if (!file.getParent().resolve(target).normalize().startsWith(workspace)) {
                        throw new Suspicious("`" + workspace.relativize(file) + "` links to outside the build");
                    }
                } else if (!attrs.isRegularFile()) {
                    throw new Suspicious("`" + workspace.relativize(file) + "` is not a file");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        sandbox.prepare(restored);
    }

    private static final class Suspicious extends IOException {
        Suspicious(String message) {
            super(message);
        }
    }

    /** Keeps the newest entries while they fit the cap. */
    private int evict(Path projectDir) throws IOException {
        List<Path> entries = new ArrayList<>(entries(projectDir));
        entries.sort(Comparator.comparingLong((Path p) -> marker(p)[0]).reversed());
        long total = 0;
        int removed = 0;
        for (Path e : entries) {
            long bytes = marker(e)[1];
            if (total + bytes > maxBytes) {
                FileTrees.delete(e);
                removed++;
            } else {
                total += bytes;
            }
        }
        return removed;
    }

    private static List<Path> entries(Path projectDir) throws IOException {
        if (!Files.isDirectory(projectDir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(projectDir)) {
            return children.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p.resolve(MARKER))).toList();
        }
    }

    /** {savedAtMillis, bytes} from an entry's marker; zeros when unreadable. */
    private static long[] marker(Path entry) {
        try {
            String[] parts = Files.readString(entry.resolve(MARKER)).trim().split(" ");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static long size(Path dir) throws IOException {
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                total[0] += attrs.size();
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }
}
