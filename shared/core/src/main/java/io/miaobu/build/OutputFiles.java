package io.miaobu.build;

import io.miaobu.build.detect.PythonApps;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The files a build publishes. Nothing outside the output directory can be published: a symbolic
 * link is followed only when its target is inside the directory, otherwise the build fails.
 */
public final class OutputFiles {
    // Never published from the repository root: Git internals and installed dependencies.
    private static final Set<String> SKIPPED_AT_ROOT = Set.of(".git", "node_modules");

    public record OutputFile(String path, Path source, long size) {}

    private OutputFiles() {}

    public static List<OutputFile> collect(Path repoRoot, String outputDirectory, int maxFiles, long maxBytes)
            throws BuildFailure {
        return collect(repoRoot, outputDirectory, maxFiles, maxBytes, Set.of());
    }

    public static List<OutputFile> collect(Path repoRoot, String outputDirectory, int maxFiles, long maxBytes,
                                           Set<Path> excluded) throws BuildFailure {
        return collect(repoRoot, repoRoot, outputDirectory, maxFiles, maxBytes, excluded);
    }

    /**
     * @param repository the whole repository: nothing outside its real path is ever published
     * @param repoRoot the project's root directory in it, which {@code outputDirectory} is relative to
     * @param excluded directories never published, wherever they are (the build cache's)
     */
    public static List<OutputFile> collect(Path repository, Path repoRoot, String outputDirectory, int maxFiles, long maxBytes,
                                           Set<Path> excluded) throws BuildFailure {
        List<OutputFile> files = walk(repository, repoRoot, outputDirectory, maxFiles, maxBytes, excluded);
        if (files.isEmpty()) {
            throw new BuildFailure("Output directory `" + outputDirectory + "` is empty; check that the build writes its files there.");
        }
        return files;
    }

    /**
     * A web app's static files: each folder's files under its URL prefix ({@code static/css/site.css}), with the
     * same limits and link rules as an output directory. A folder the build did not write has nothing to serve;
     * an app may have no static file at all.
     */
    public static List<OutputFile> collectStaticDirs(Path repository, Path root, List<PythonApps.StaticDir> dirs, int maxFiles,
                                                     long maxBytes) throws BuildFailure {
        List<OutputFile> all = new ArrayList<>();
        long total = 0;
        for (PythonApps.StaticDir dir : dirs) {
            if (!Files.isDirectory(root.resolve(dir.folder()))) {
                continue;
            }
            for (OutputFile f : walk(repository, root, dir.folder(), maxFiles - all.size(), maxBytes - total, Set.of())) {
                all.add(new OutputFile(dir.urlPrefix() + f.path(), f.source(), f.size()));
                total += f.size();
            }
        }
        all.sort(Comparator.comparing(OutputFile::path));
        return all;
    }

    private static List<OutputFile> walk(Path repository, Path repoRoot, String outputDirectory, int maxFiles, long maxBytes,
                                         Set<Path> excluded) throws BuildFailure {
        Path dir = repoRoot.resolve(outputDirectory).normalize();
        if (!dir.startsWith(repoRoot.normalize())) {
            throw new BuildFailure("Output directory `" + outputDirectory + "` is outside the repository; set outputDirectory to a folder inside it.");
        }
        if (!Files.isDirectory(dir)) {
            throw new BuildFailure("Output directory `" + outputDirectory + "` not found after the build; "
                    + "set outputDirectory to the folder your build writes (for example dist, build or out).");
        }
        Path realDir;
        try {
            realDir = dir.toRealPath();
            if (!realDir.startsWith(repository.toRealPath())) {
                throw new BuildFailure("Output directory `" + outputDirectory + "` is a symbolic link (or goes through one) to a folder "
                        + "outside the repository; it cannot be published. Build into a real folder inside the repository.");
            }
        } catch (IOException e) {
            throw new BuildFailure("Output directory `" + outputDirectory + "` cannot be read: " + e.getMessage());
        }
        Set<Path> skipped = new java.util.HashSet<>();
        for (Path p : excluded) {
            try {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    skipped.add(p.toRealPath());
                }
            } catch (IOException ignored) {
                // gone: nothing to skip
            }
        }
        List<OutputFile> files = new ArrayList<>();
        long[] total = {0};
        try {
            Files.walkFileTree(realDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (skipped.contains(d)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (d.getParent() != null && d.getParent().equals(realDir)
                            && outputDirectory.equals(".") && SKIPPED_AT_ROOT.contains(d.getFileName().toString())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = realDir.relativize(file).toString().replace('\\', '/');
                    Path source = file;
                    long size = attrs.size();
                    if (attrs.isSymbolicLink()) {
                        Path target;
                        try {
                            target = file.toRealPath();
                        } catch (IOException e) {
                            throw new Violation("`" + rel + "` is a broken symbolic link; remove it from the output.");
                        }
                        if (!target.startsWith(realDir)) {
                            throw new Violation("`" + rel + "` is a symbolic link to a path outside the output directory; "
                                    + "copy the file into the output instead of linking to it.");
                        }
                        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                            return FileVisitResult.CONTINUE;
                        }
                        source = target;
                        size = Files.size(target);
                    } else if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    files.add(new OutputFile(rel, source, size));
                    total[0] += size;
                    if (files.size() > maxFiles) {
                        throw new Violation("The output has more than " + maxFiles + " files; publish fewer files or raise the limit.");
                    }
                    if (total[0] > maxBytes) {
                        throw new Violation("The output is larger than " + (maxBytes >> 20) + " MiB; publish fewer or smaller files.");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (Violation v) {
            throw new BuildFailure(v.getMessage());
        } catch (IOException e) {
            throw new BuildFailure("The output directory could not be read: " + e.getMessage());
        }
        files.sort(Comparator.comparing(OutputFile::path));
        return files;
    }

    private static final class Violation extends IOException {
        Violation(String message) {
            super(message);
        }
    }
}
