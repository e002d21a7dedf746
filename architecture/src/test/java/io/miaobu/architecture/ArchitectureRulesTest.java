package io.miaobu.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.miaobu.architecture.fixtures.Callee;
import io.miaobu.architecture.fixtures.Caller;
import io.miaobu.architecture.fixtures.UsesCalleeArray;
import io.miaobu.architecture.fixtures.UsesJdkHttpServer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each rule can fail: test classes are placed in chosen modules, as if compiled there, and the rules must
 * object to exactly the uses the architecture forbids.
 */
class ArchitectureRulesTest {
    private static final JavaClasses FIXTURES = new ClassFileImporter()
            .importClasses(Caller.class, Callee.class, UsesCalleeArray.class, UsesJdkHttpServer.class);

    /**
     * May a class in the row's layer use one in the column's? On the diagonal the two classes are in two
     * different modules of the layer where it has more than one. The same statement as {@link Layer}, written
     * the other way round, so that one cannot drift from the other.
     */
    private static final String MATRIX = """
                        core  adapter  runtime  function  local  tool  testkit
            core        yes   no       no       no        no     no    no
            adapter     yes   no       no       no        no     no    no
            runtime     yes   yes      yes      no        no     no    no
            function    yes   yes      yes      no        no     no    no
            local       yes   yes      yes      no        yes    no    no
            tool        yes   yes      yes      yes       yes    yes   yes
            testkit     yes   yes      no       no        no     no    yes
            """;

    /** A module of each layer in the matrix, and a second one for the diagonal where the layer has two. */
    private static final Map<String, List<String>> EXAMPLES = Map.of(
            "core", List.of("shared/core"),
            "adapter", List.of("shared/postgres", "shared/github"),
            "runtime", List.of("functions/runtime"),
            "function", List.of("functions/api", "functions/builder"),
            "local", List.of("functions/local"),
            "tool", List.of("shared/doctor", "tools"),
            "testkit", List.of("shared/testkit"));

    @TestFactory
    Stream<DynamicTest> every_layer_pair_is_allowed_or_refused_as_the_matrix_says() {
        List<String[]> rows = MATRIX.lines().map(String::trim).map(line -> line.split("\\s+")).toList();
        String[] columns = rows.get(0);
        return rows.stream().skip(1).flatMap(row -> Arrays.stream(columns).map(column -> {
            List<String> from = EXAMPLES.get(row[0]);
            List<String> to = EXAMPLES.get(column);
            Module caller = Modules.byDir(from.get(0));
            Module callee = Modules.byDir(row[0].equals(column) ? to.get(to.size() - 1) : to.get(0));
            boolean allowed = row[1 + Arrays.asList(columns).indexOf(column)].equals("yes");
            String pair = caller + " using " + callee + (allowed ? ": allowed" : ": refused");
            return DynamicTest.dynamicTest(pair, () -> {
                List<String> violations = rulesPlacing(Map.of(Caller.class, caller.dir(), Callee.class, callee.dir()))
                        .dependencyRules().stream()
                        .flatMap(rule -> rule.evaluate(FIXTURES).getFailureReport().getDetails().stream()).toList();
                if (allowed) {
                    assertThat(violations).as(pair).isEmpty();
                } else {
                    assertThat(violations).as(pair)
                            .anySatisfy(detail -> assertThat(detail).contains(Caller.class.getName(), Callee.class.getName()));
                }
            });
        }));
    }

    @Test
    void using_an_array_of_a_class_is_using_the_class() {
        assertThat(violations(rulesPlacing(Map.of(UsesCalleeArray.class, "shared/postgres", Callee.class, "functions/api")).noLayerUsesOneAbove()))
                .anySatisfy(detail -> assertThat(detail).contains(UsesCalleeArray.class.getName(), Callee.class.getName()));
        assertThat(violations(rulesPlacing(Map.of(UsesCalleeArray.class, "shared/core", Callee.class, "shared/core")).coreUsesNoLibraryButItsOwn()))
                .isEmpty();
    }

    @Test
    void an_aliyun_adapter_may_use_shared_aliyun_and_no_other_adapter() {
        ArchRule rule = rulesPlacing(Map.of(Caller.class, "shared/oss", Callee.class, "shared/aliyun")).adaptersUseNoOtherAdapter();
        assertThat(rule.evaluate(FIXTURES).hasViolation()).isFalse();

        assertThat(violations(rulesPlacing(Map.of(Caller.class, "shared/oss", Callee.class, "shared/mns")).adaptersUseNoOtherAdapter()))
                .anySatisfy(detail -> assertThat(detail).contains(Caller.class.getName(), Callee.class.getName()));
    }

    @Test
    void the_exception_for_shared_aliyun_goes_one_way_and_only_for_the_aliyun_adapters() {
        assertThat(violations(rulesPlacing(Map.of(Caller.class, "shared/aliyun", Callee.class, "shared/oss")).adaptersUseNoOtherAdapter()))
                .isNotEmpty();
        assertThat(violations(rulesPlacing(Map.of(Caller.class, "shared/postgres", Callee.class, "shared/aliyun")).adaptersUseNoOtherAdapter()))
                .isNotEmpty();
    }

    @Test
    void one_function_using_another_is_refused() {
        assertThat(violations(rulesPlacing(Map.of(Caller.class, "functions/webhook", Callee.class, "functions/scheduler")).noFunctionUsesAnother()))
                .anySatisfy(detail -> assertThat(detail).contains(Caller.class.getName(), Callee.class.getName()));
    }

    @Test
    void core_using_a_library_it_does_not_declare_is_refused_and_an_adapter_may() {
        assertThat(violations(rulesPlacing(Map.of(UsesJdkHttpServer.class, "shared/core")).coreUsesNoLibraryButItsOwn()))
                .anySatisfy(detail -> assertThat(detail).contains(UsesJdkHttpServer.class.getName(), "com.sun.net.httpserver.HttpServer"));
        assertThat(violations(rulesPlacing(Map.of(UsesJdkHttpServer.class, "shared/http")).coreUsesNoLibraryButItsOwn()))
                .isEmpty();
    }

    @Test
    void a_class_compiled_in_a_module_that_does_not_own_its_package_is_refused() {
        // The fixtures' package, io.miaobu.architecture.fixtures, falls to core's io.miaobu.
        assertThat(violations(rulesPlacing(Map.of(Callee.class, "shared/core")).everyClassSitsInAPackageItsModuleOwns()))
                .isEmpty();
        assertThat(violations(rulesPlacing(Map.of(Callee.class, "shared/postgres")).everyClassSitsInAPackageItsModuleOwns()))
                .anySatisfy(detail -> assertThat(detail).contains(Callee.class.getName(), "shared/postgres", "shared/core"));
        assertThat(violations(rulesPlacing(Map.of(Callee.class, "deploy")).everyClassSitsInAPackageItsModuleOwns()))
                .as("a tests-only module owns no package").isNotEmpty();
    }

    @Test
    void a_package_belongs_to_the_module_owning_its_longest_prefix() {
        assertThat(Modules.ownerOf("io.miaobu.local")).map(Module::dir).contains("shared/local");
        assertThat(Modules.ownerOf("io.miaobu.local.host")).map(Module::dir).contains("functions/local");
        assertThat(Modules.ownerOf("io.miaobu.localhost")).map(Module::dir).contains("shared/core");
        assertThat(Modules.ownerOf("io.miaobu.functions.events")).map(Module::dir).contains("functions/runtime");
        assertThat(Modules.ownerOf("io.miaobu.functions.api")).map(Module::dir).contains("functions/api");
        assertThat(Modules.ownerOf("io.miaobu.build")).map(Module::dir).contains("shared/core");
        assertThat(Modules.ownerOf("io.miaobu.build.git")).map(Module::dir).contains("shared/build");
        assertThat(Modules.ownerOf("org.example")).isEmpty();
    }

    private static ArchitectureRules rulesPlacing(Map<Class<?>, String> placement) {
        return new ArchitectureRules(c -> placement.entrySet().stream()
                .filter(placed -> placed.getKey().getName().equals(c.getName()))
                .map(placed -> Modules.byDir(placed.getValue())).findFirst());
    }

    private static List<String> violations(ArchRule rule) {
        return rule.evaluate(FIXTURES).getFailureReport().getDetails();
    }
}
