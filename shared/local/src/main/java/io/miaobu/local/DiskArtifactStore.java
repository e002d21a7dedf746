package io.miaobu.local;

import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** ArtifactStore on a directory: the key is the relative path. The local edge reads the same files. */
public final class DiskArtifactStore implements ArtifactStore {
    private final Path root;

    public DiskArtifactStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, Path source, String contentType) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        // Copy beside the target, then rename: the edge never sees a half-written file.
        Path tmp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
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
        if (!path.startsWith(root) || path.equals(root) || key.startsWith("/")) {
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
