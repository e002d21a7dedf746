package io.miaobu.local.cli;

import io.miaobu.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The files of a folder to deploy, with their SHA-256. Version-control folders and OS litter are
 * left out; a symbolic link is followed only when it stays inside the folder, as in a build's output.
 */
final class LocalFolder {
    private static final Set<String> SKIPPED = Set.of(".git", ".hg", ".svn", ".DS_Store", "Thumbs.db");

    record LocalFile(String path, Path file, String sha256, long size) {}

    private LocalFolder() {}

    static List<LocalFile> scan(Path dir) throws IOException {
        Path root = dir.toRealPath();
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(root) && (SKIPPED.contains(d.getFileName().toString()) || !d.toRealPath().startsWith(root))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && !SKIPPED.contains(file.getFileName().toString()) && file.toRealPath().startsWith(root)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        });
        try {
            return found.parallelStream()
                    .map(f -> hash(root, f))
                    .sorted(Comparator.comparing(LocalFile::path))
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static LocalFile hash(Path root, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            long[] size = new long[1];
            String digest = Sha256.hex(in, size);
            String path = root.relativize(file).toString().replace('\\', '/');
            return new LocalFile(path, file, digest, size[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read " + file + ": " + e.getMessage(), e));
        }
    }
}
