package io.miaobu.build;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/** A PATH value as the shell reads it: the executables named {@code tool} in its folders, in order. */
final class SearchPath {
    private SearchPath() {}

    static Stream<Path> executables(String path, String tool) {
        return Arrays.stream(path.split(":")).filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry, tool)).filter(Files::isExecutable);
    }
}
