package io.miaobu.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** The data directory's layout builds run in, for tests that open real build sandboxes. */
public final class BuildDirs {
    private BuildDirs() {}

    /**
     * {@code tmp/data/builds}, with {@code tmp}, {@code data} and {@code builds} searchable but not readable by others,
     * as the platform makes them: a build's uid reaches its own workspace and lists nothing else.
     */
    public static Path builds(Path tmp) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path builds = Files.createDirectories(data.resolve("builds"));
        for (Path p : List.of(tmp, data, builds)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        return builds;
    }
}
