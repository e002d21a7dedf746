package io.miaobu.serverless;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each Java package lives in exactly one Maven module, main and test code alike: a package split across modules
 * merges silently in a shaded jar, and a newcomer looking for a package finds half of it.
 */
class ModulePackagesTest {
    /** Build output, installed packages and the dashboard: no module's Java sources. */
    private static final Set<String> SKIPPED = Set.of("target", "node_modules", "frontend");

    @Test
    void every_java_package_lives_in_one_module() throws IOException {
        Map<String, Set<String>> modules = packagesByModule(ServerlessYaml.repositoryRoot());
        // The scan reads the real tree: the moved tools and a core package are where the build has them.
        assertThat(modules).containsEntry("io.miaobu.tools.bench", Set.of("tools"))
                .containsEntry("io.miaobu.local.host", Set.of("functions/local"));
        Map<String, Set<String>> split = new TreeMap<>(modules);
        split.values().removeIf(in -> in.size() == 1);
        assertThat(split).as("packages held by more than one module").isEmpty();
    }

    /** Package -> the modules (directories holding src/main/java or src/test/java) whose sources declare it. */
    static Map<String, Set<String>> packagesByModule(Path root) throws IOException {
        Map<String, Set<String>> modules = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skipped = !dir.equals(root) && (name.startsWith(".") || SKIPPED.contains(name));
                return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String path = root.relativize(file).toString();
                int src = path.indexOf("/src/");
                boolean java = path.endsWith(".java") && src >= 0
                        && (path.startsWith("src/main/java/", src + 1) || path.startsWith("src/test/java/", src + 1));
                if (java) {
                    declaredPackage(file).ifPresent(pkg ->
                            modules.computeIfAbsent(pkg, k -> new TreeSet<>()).add(path.substring(0, src)));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return modules;
    }

    private static Optional<String> declaredPackage(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith("package ")).findFirst()
                    .map(l -> l.substring("package ".length(), l.indexOf(';')).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
