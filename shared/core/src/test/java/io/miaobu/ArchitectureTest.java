package io.miaobu;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §3: the domain talks to ports only. These rules read the compiled classes of this module
 * (target/classes), never the test classes or other modules' classes that share the io.miaobu package.
 */
class ArchitectureTest {
    private static final String[] VENDOR_PACKAGES = {
            "org.jdbi..", "org.flywaydb..", "org.postgresql..", "com.zaxxer..", "org.eclipse.jgit..",
            "com.sun.net.httpserver..", "com.aliyun..", "io.zonky..", "org.shredzone.."};

    private static final String[] ADAPTER_PACKAGES = {
            "io.miaobu.postgres..", "io.miaobu.local..", "io.miaobu.build.git..", "io.miaobu.build.process..",
            "io.miaobu.http.server..", "io.miaobu.github.rest..", "io.miaobu.fc..",
            // The platform's own FC functions (functions/*); users' functions are core's io.miaobu.dynamic.
            "io.miaobu.functions.."};

    static JavaClasses core;

    @BeforeAll
    static void importCoreClasses() {
        Path classes = Path.of("target", "classes").toAbsolutePath();
        assertThat(classes).as("core's compiled classes; run the test from the shared/core module").isDirectory();
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(classes);
    }

    @Test
    void the_imported_classes_are_the_core_module_and_nothing_else() {
        assertThat(core.size()).isGreaterThan(20);
        assertThat(core.containPackage("io.miaobu.projects")).isTrue();
        assertThat(core.contain("io.miaobu.Platform")).isTrue();
        assertThat(core.contain("io.miaobu.http.Router")).isTrue();
        assertThat(core.stream().map(c -> c.getName()))
                .allMatch(name -> name.startsWith("io.miaobu."))
                .noneMatch(name -> name.endsWith("Test"))
                .noneMatch(name -> name.startsWith("io.miaobu.postgres.") || name.startsWith("io.miaobu.local."));
    }

    @Test
    void core_does_not_depend_on_vendor_libraries() {
        noClasses().that().resideInAPackage("io.miaobu..")
                .should().dependOnClassesThat().resideInAnyPackage(VENDOR_PACKAGES)
                .because("core talks to ports; vendor SDKs belong in adapter modules (DESIGN §3)")
                .check(core);
    }

    @Test
    void core_does_not_depend_on_adapter_packages() {
        noClasses().that().resideInAPackage("io.miaobu..")
                .should().dependOnClassesThat().resideInAnyPackage(ADAPTER_PACKAGES)
                .because("adapters depend on core, never the other way round (DESIGN §3)")
                .check(core);
    }

    @Test
    void the_rule_would_catch_a_core_class_that_uses_a_vendor_class() {
        // Guards against a rule that passes vacuously: the same rule over a class that uses a forbidden
        // package must fail.
        JavaClasses offender = new ClassFileImporter().importClasses(Offender.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        noClasses().that().resideInAPackage("io.miaobu..")
                                .should().dependOnClassesThat().resideInAnyPackage(VENDOR_PACKAGES)
                                .check(offender))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("com.sun.net.httpserver");
    }

    /** A test-only class that breaks the rule, to prove the rule can fail. */
    static final class Offender {
        com.sun.net.httpserver.HttpServer server;
    }
}
