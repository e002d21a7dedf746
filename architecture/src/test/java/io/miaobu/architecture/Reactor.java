package io.miaobu.architecture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The build as the root POM lays it out: its modules, their POMs, and where each one's classes compile to. */
record Reactor(Path root) {
    static final String PARENT = "miaobu-parent";

    /** The repository root: the nearest directory at or above the working directory whose POM is the parent. */
    static Reactor locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Pom.read(pom).artifactId().equals(PARENT)) {
                return new Reactor(dir);
            }
        }
        throw new IllegalStateException("no " + PARENT + " pom.xml at or above " + Path.of("").toAbsolutePath());
    }

    List<String> moduleDirs() {
        return Pom.read(root.resolve("pom.xml")).modules();
    }

    Pom pomOf(String moduleDir) {
        return Pom.read(root.resolve(moduleDir).resolve("pom.xml"));
    }

    Path classesOf(String moduleDir) {
        return root.resolve(moduleDir).resolve("target").resolve("classes");
    }
}
