package io.miaobu.edge;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared test vectors in edge/test/vectors, from the repository root or any module below it. */
public final class VectorFiles {
    private VectorFiles() {}

    public static Path find(String name) {
        String configured = System.getProperty("miaobu.repo.root");
        if (configured != null && !configured.isBlank()) {
            Path file = Path.of(configured).resolve("edge/test/vectors").resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("edge/test/vectors").resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalStateException("edge/test/vectors/" + name + " not found from " + Path.of("").toAbsolutePath());
    }
}
