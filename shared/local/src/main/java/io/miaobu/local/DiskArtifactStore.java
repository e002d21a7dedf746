package io.miaobu.local;

import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** ArtifactStore on a directory: the key is the relative path. The local edge reads the same files. */
public final class DiskArtifactStore implements ArtifactStore {
    private final Path root;
    private volatile boolean linking = true;

    public DiskArtifactStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * Hard-links the file into the store when it is on the same file system (the build's output is
     * never written again, and a link costs a hundredth of a copy), else copies it beside the target
     * and renames it into place. Either way the edge never sees a half-written file.
     */
    @Override
    public void put(String key, Path source, String contentType) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        if (linkSameFileSystem(source, target)) {
            return;
        }
        Path tmp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private boolean linkSameFileSystem(Path source, Path target) {
        if (!linking) {
            return false;
        }
        try {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.createLink(target, source);
                return true;
            }
            Path tmp = target.resolveSibling(".link-" + UUID.randomUUID() + ".tmp");
            Files.createLink(tmp, source);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false; // raced with another writer of the same key: the copy path replaces it
        } catch (IOException | UnsupportedOperationException e) {
            linking = false; // another file system, or no hard links here: copy from now on
            org.slf4j.LoggerFactory.getLogger(DiskArtifactStore.class)
                    .info("hard links into {} are not possible ({}); copying files instead", root, e.toString());
            return false;
        }
    }

    /** A hard link (objects are never written again in place), else a copy renamed into place. */
    @Override
    public void copy(String from, String to, String contentType) throws IOException {
        Path source = resolve(from);
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(from);
        }
        put(to, source, contentType);
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        try {
            return Optional.of(Files.newInputStream(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        Path dir = resolvePrefix(prefix);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(p -> keys.add(root.relativize(p).toString().replace('\\', '/')));
        }
        return keys;
    }

    @Override
    public int deletePrefix(String prefix) throws IOException {
        Path dir = resolvePrefix(prefix);
        if (!Files.exists(dir)) {
            return 0;
        }
        int[] deleted = {0};
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                boolean file = Files.isRegularFile(p);
                if (p.toFile().delete() && file) {
                    deleted[0]++;
                }
            });
        }
        return deleted[0];
    }

    private Path resolve(String key) {
        Path path = root.resolve(key).normalize();
        // A `..` segment is refused even when it stays inside the store: `sites/p1/../p2/` is another project's folder.
        boolean dotDot = java.util.Arrays.asList(key.split("[/\\\\]")).contains("..");
        if (dotDot || !path.startsWith(root) || path.equals(root) || key.startsWith("/")) {
            throw new IllegalArgumentException("artifact key escapes the store: " + key);
        }
        return path;
    }

    private Path resolvePrefix(String prefix) {
        if (prefix.isEmpty() || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must name a folder ending in /: " + prefix);
        }
        return resolve(prefix.substring(0, prefix.length() - 1));
    }
}
