package io.miaobu.serverless;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * No function jar carries what it does not use (DESIGN §3, §4): a cold start opens the jar and a
 * deployment uploads it, so code a function never runs costs every instance. Each rule names a
 * package prefix a function must not contain, and why.
 */
class FunctionJarContentsTest {
    private static final List<String> ALL = List.of("api", "oauth", "webhook", "builder", "scheduler");

    /** Prefix -> why no function jar may contain it. */
    private static final Map<String, String> NOWHERE = Map.of(
            "org/flywaydb/", "functions check the schema version; migrations are ./miaobu migrate",
            "io/zonky/", "embedded PostgreSQL is local mode's",
            "org/checkerframework/", "compile-time annotations of the PostgreSQL driver",
            "io/miaobu/local/host/", "the local host",
            "io/miaobu/tools/", "benchmarks and packaging tools",
            "io/miaobu/testkit/", "test support",
            "org/junit/", "tests",
            "org/assertj/", "tests");

    /** Prefix -> why only the api function may contain it. */
    private static final Map<String, String> NOT_OUTSIDE_THE_API = Map.of(
            "dashboard/", "the app domain's GET /* route serves the dashboard from the api function alone");

    /** Prefix -> why the HTTP functions and the scheduler must not contain it. */
    private static final Map<String, String> NOT_OUTSIDE_THE_BUILDER = Map.of(
            "org/eclipse/jgit/", "only the builder clones",
            "com/googlecode/javaewah/", "JGit's bitmap library",
            "io/miaobu/build/git/", "the builder's Git fetcher",
            "io/miaobu/build/process/", "the builder's process runner");

    /** Prefix -> why the HTTP functions and the builder must not contain it. */
    private static final Map<String, String> NOT_OUTSIDE_THE_SCHEDULER = Map.of(
            "org/shredzone/acme4j/", "certificates are ordered and renewed by the scheduler");

    static Path jar(String function) {
        return ServerlessYaml.repositoryRoot().resolve("functions/" + function + "/target/miaobu-" + function + ".jar");
    }

    static Set<String> offending(String function, Map<String, String> rules) throws IOException {
        Set<String> found = new TreeSet<>();
        try (JarFile jar = new JarFile(jar(function).toFile())) {
            jar.stream().forEach(entry -> rules.forEach((prefix, why) -> {
                if (entry.getName().startsWith(prefix)) {
                    found.add(prefix + " (" + why + ")");
                }
            }));
        }
        return found;
    }

    @Test
    void no_function_jar_carries_migrations_tools_tests_or_local_mode() throws IOException {
        for (String function : ALL) {
            assertThat(offending(function, NOWHERE)).as("miaobu-%s.jar contains", function).isEmpty();
        }
    }

    @Test
    void only_the_builder_carries_jgit_and_the_process_runner() throws IOException {
        for (String function : List.of("api", "oauth", "webhook", "scheduler")) {
            assertThat(offending(function, NOT_OUTSIDE_THE_BUILDER)).as("miaobu-%s.jar contains", function).isEmpty();
        }
        // The check reads real entries: the builder, which needs JGit, is caught by the same rule.
        assertThat(offending("builder", NOT_OUTSIDE_THE_BUILDER)).anyMatch(p -> p.startsWith("org/eclipse/jgit/"));
    }

    @Test
    void only_the_api_function_carries_the_dashboard() throws IOException {
        for (String function : List.of("oauth", "webhook", "builder", "scheduler")) {
            assertThat(offending(function, NOT_OUTSIDE_THE_API)).as("miaobu-%s.jar contains", function).isEmpty();
        }
    }

    @Test
    void acme4j_stays_out_of_the_http_functions_and_the_builder() throws IOException {
        for (String function : List.of("api", "oauth", "webhook", "builder")) {
            assertThat(offending(function, NOT_OUTSIDE_THE_SCHEDULER)).as("miaobu-%s.jar contains", function).isEmpty();
        }
    }
}
