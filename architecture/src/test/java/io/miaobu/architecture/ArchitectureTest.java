package io.miaobu.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build's compiled classes against the layer rules (docs/architecture.md, "Layers"). Each rule is shown
 * able to fail by ArchitectureRulesTest.
 */
class ArchitectureTest {
    static Reactor reactor;
    static CompiledModules build;
    static ArchitectureRules rules;

    @BeforeAll
    static void importEveryModule() {
        reactor = Reactor.locate();
        build = CompiledModules.of(reactor);
        rules = new ArchitectureRules(build);
    }

    @Test
    void every_module_of_the_build_has_a_layer() {
        assertThat(reactor.moduleDirs())
                .as("modules of the root pom.xml missing from Modules.ALL: give each a layer and its packages")
                .allSatisfy(dir -> assertThat(Modules.find(dir)).as(dir).isPresent());
    }

    @Test
    void this_module_depends_on_every_module_so_the_reactor_compiles_them_first() {
        List<String> dependencies = reactor.pomOf("architecture").dependencyArtifactIds("io.miaobu");
        assertThat(reactor.moduleDirs().stream().filter(dir -> !dir.equals("architecture")))
                .as("add each module to architecture/pom.xml as a <type>pom</type> test dependency")
                .allSatisfy(dir -> assertThat(dependencies).as(dir).contains(reactor.pomOf(dir).artifactId()));
    }

    @Test
    void every_module_with_code_is_checked() {
        Map<String, Long> classesPerModule = build.classes.stream()
                .map(build::of).flatMap(Optional::stream)
                .collect(Collectors.groupingBy(Module::dir, Collectors.counting()));
        assertThat(reactor.moduleDirs().stream().filter(dir -> Modules.find(dir).map(m -> m.layer() != Layer.TESTS_ONLY).orElse(true)))
                .as("modules with no compiled classes in target/classes; build them first:"
                        + " mvn -o -q -pl architecture -am test -Dtest=ArchitectureTest")
                .allSatisfy(dir -> assertThat(classesPerModule).as(dir).containsKey(dir));
        assertThat(build.classes.stream().map(JavaClass::getName)).as("main classes only")
                .noneMatch(name -> name.endsWith("Test"));
        assertThat(build.of(build.classes.get("io.miaobu.Platform"))).map(Module::dir).contains("shared/core");
    }

    @Test
    void nothing_uses_a_layer_above_it() {
        rules.noLayerUsesOneAbove().check(build.classes);
    }

    @Test
    void adapters_use_no_other_adapter_but_the_listed_exceptions() {
        rules.adaptersUseNoOtherAdapter().check(build.classes);
    }

    @Test
    void every_listed_exception_is_still_used() {
        // An exception the code no longer needs would let the next use through unreviewed.
        assertThat(Modules.ADAPTER_USES).allSatisfy(allowed -> assertThat(build.classes.stream()
                .filter(rules.in(allowed.from()))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .anyMatch(dependency -> rules.in(allowed.to()).test(dependency.getTargetClass())))
                .as(allowed.from() + " uses " + allowed.to() + "; if no longer, drop it from Modules.ADAPTER_USES")
                .isTrue());
    }

    @Test
    void no_function_uses_another_function() {
        rules.noFunctionUsesAnother().check(build.classes);
    }

    @Test
    void core_uses_no_library_but_its_own() {
        rules.coreUsesNoLibraryButItsOwn().check(build.classes);
    }

    @Test
    void every_class_sits_in_a_package_its_module_owns() {
        rules.everyClassSitsInAPackageItsModuleOwns().check(build.classes);
    }
}
