package io.miaobu.build;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/** Copying and removing build scratch: workspaces, cache entries, detection clones, function bundles. */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Deletes {@code dir} and everything under it without following links out of it.
     *
     * @return false when part of it could not be removed (the caller decides whether that is worth a word)
     */
    public static boolean delete(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            return false;
        }
        return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    }

    /** Copies a tree as it is: links stay links, attributes are kept. */
    public static void copy(Path from, Path to) throws IOException {
        copy(from, to, true);
    }

    /**
     * Copies the tree at {@code from} to {@code to}, never following a link. {@code keepLinks}: links are copied
     * as links and attributes kept (a cache restored as it was); otherwise only regular files and folders are
     * copied, so the copy can never reach outside the source (a bundle handed to a function).
     */
    public static void copy(Path from, Path to, boolean keepLinks) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (keepLinks) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), LinkOption.NOFOLLOW_LINKS,
                            StandardCopyOption.COPY_ATTRIBUTES);
                } else if (attrs.isRegularFile()) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
