package io.miaobu.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every module's main classes, read from its target/classes, each class placed in the module whose
 * directory it was compiled to — never by its package name, so a class in the wrong module is caught.
 */
final class CompiledModules implements ModuleOfClass {
    final JavaClasses classes;
    private final Map<Path, Module> modulesByClassesDir;
    private final Map<String, Optional<Module>> byClassName = new ConcurrentHashMap<>();

    private CompiledModules(Map<Path, Module> modulesByClassesDir) {
        this.modulesByClassesDir = modulesByClassesDir;
        this.classes = new ClassFileImporter().importPaths(modulesByClassesDir.keySet());
    }

    /** The classes of the build's modules that are in {@link Modules#ALL} and have been compiled. */
    static CompiledModules of(Reactor reactor) {
        Map<Path, Module> dirs = new LinkedHashMap<>();
        for (String dir : reactor.moduleDirs()) {
            Path classes = reactor.classesOf(dir);
            Modules.find(dir).filter(module -> Files.isDirectory(classes))
                    .ifPresent(module -> dirs.put(classes.toAbsolutePath().normalize(), module));
        }
        return new CompiledModules(dirs);
    }

    @Override
    public Optional<Module> of(JavaClass javaClass) {
        return byClassName.computeIfAbsent(javaClass.getName(), name -> javaClass.getSource()
                .filter(source -> "file".equals(source.getUri().getScheme()))
                .map(source -> Path.of(source.getUri()).normalize())
                .flatMap(file -> modulesByClassesDir.entrySet().stream()
                        .filter(dir -> file.startsWith(dir.getKey()))
                        .map(Map.Entry::getValue)
                        .findFirst()));
    }
}
