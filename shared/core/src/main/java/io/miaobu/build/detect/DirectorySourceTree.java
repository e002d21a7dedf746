package io.miaobu.build.detect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A {@link SourceTree} over a checked-out directory; reads are cached and never leave the directory. */
public final class DirectorySourceTree implements SourceTree {
    private static final long MAX_READ_BYTES = 2L * 1024 * 1024;

    private final Path root;
    private final Map<String, Optional<String>> reads = new HashMap<>();

    public DirectorySourceTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    private Optional<Path> resolve(String path) {
        Path p = root.resolve(path).normalize();
        return p.startsWith(root) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public boolean exists(String path) {
        return resolve(path).map(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).orElse(false);
    }

    @Override
    public boolean isFile(String path) {
        return resolve(path).map(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).orElse(false);
    }

    @Override
    public synchronized Optional<String> read(String path) {
        return reads.computeIfAbsent(path, key -> resolve(key).filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                .flatMap(p -> {
                    try {
                        if (Files.size(p) > MAX_READ_BYTES) {
                            return Optional.empty();
                        }
                        return Optional.of(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                }));
    }

    @Override
    public List<String> list(String directory) {
        Optional<Path> dir = resolve(directory);
        if (dir.isEmpty() || !Files.isDirectory(dir.get(), LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir.get())) {
            return children.map(c -> c.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
