package io.miaobu.edge.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.miaobu.edge.VectorFiles;
import io.miaobu.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared routing vectors (edge/test/vectors/rules.json) through the Java compiler and then the
 * JavaScript engine: each case's rules files are compiled here, the result is run by
 * edge/scripts/rules-vectors.js in Node against the case's expected answers, and must equal the
 * committed edge/test/vectors/rules.compiled.json that `node --test edge/test/` runs on its own.
 * After a deliberate change to the compiler, refresh that file with
 * {@code mvn -pl shared/core test -Dtest=RulesVectorsTest -Dmiaobu.updateVectors=true}.
 */
class RulesVectorsTest {
    static List<JsonNode> cases;
    static ObjectNode compiled;
    static Path compiledFile;

    @BeforeAll
    static void compileEveryCase() throws IOException {
        JsonNode root = Json.MAPPER.readTree(VectorFiles.find("rules.json").toFile());
        cases = new ArrayList<>();
        root.forEach(cases::add);
        compiled = Json.MAPPER.createObjectNode();
        for (JsonNode c : cases) {
            RulesCompiler.Result result = RulesCompiler.compile(source(c.get("rules")));
            ObjectNode out = compiled.putObject(c.get("name").asText());
            out.set("config", Json.MAPPER.valueToTree(result.config()));
            out.set("warnings", Json.MAPPER.valueToTree(result.warnings()));
        }
        compiledFile = Path.of("target", "rules-vectors", "rules.compiled.json").toAbsolutePath();
        Files.createDirectories(compiledFile.getParent());
        Files.write(compiledFile, pretty(compiled));
        if (Boolean.getBoolean("miaobu.updateVectors")) {
            Files.write(VectorFiles.find("rules.json").resolveSibling("rules.compiled.json"), pretty(compiled));
        }
    }

    static RulesSource source(JsonNode rules) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        rules.fields().forEachRemaining(f -> files.put(f.getKey(), f.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        return name -> Optional.ofNullable(files.get(name));
    }

    static Stream<Arguments> named() {
        return cases.stream().map(c -> Arguments.of(c.get("name").asText(), c));
    }

    @Test
    void there_are_at_least_150_requests_across_60_cases() {
        assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
        assertThat(cases.stream().mapToInt(c -> c.get("requests").size()).sum()).isGreaterThanOrEqualTo(150);
        assertThat(cases.stream().map(c -> c.get("name").asText()).distinct()).hasSameSizeAs(cases);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("named")
    void the_compiler_warns_exactly_where_the_case_expects(String name, JsonNode c) {
        List<JsonNode> actual = new ArrayList<>();
        compiled.get(name).get("warnings").forEach(actual::add);
        List<JsonNode> expected = new ArrayList<>();
        if (c.has("warnings")) {
            c.get("warnings").forEach(expected::add);
        }
        List<JsonNode> unmatched = new ArrayList<>(actual);
        for (JsonNode want : expected) {
            JsonNode hit = unmatched.stream().filter(w -> w.get("file").asText().equals(want.get("file").asText())
                            && w.get("line").asInt() == want.get("line").asInt()
                            && (!want.has("contains") || w.get("message").asText().contains(want.get("contains").asText())))
                    .findFirst().orElse(null);
            assertThat(hit).as("expected warning %s among %s", want, actual).isNotNull();
            unmatched.remove(hit);
        }
        assertThat(unmatched).as("warnings the case does not expect").isEmpty();
    }

    @Test
    void the_engine_answers_every_request_as_expected_with_the_compilers_output() throws Exception {
        Process node = new ProcessBuilder(System.getenv().getOrDefault("MIAOBU_NODE", "node"),
                VectorFiles.find("rules.json").getParent().resolve("../../scripts/rules-vectors.js").normalize().toString(),
                VectorFiles.find("rules.json").toString(), compiledFile.toString())
                .redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        JsonNode report = Json.MAPPER.readTree(output);
        assertThat(report.get("cases").asInt()).isEqualTo(cases.size());
        assertThat(report.get("failures").toPrettyString()).isEqualTo("{ }");
    }

    @Test
    void the_committed_compiled_vectors_are_what_the_compiler_produces() throws IOException {
        Path committed = VectorFiles.find("rules.json").resolveSibling("rules.compiled.json");
        assertThat(committed).as("run with -Dmiaobu.updateVectors=true to create it").exists();
        JsonNode expected = Json.MAPPER.readTree(committed.toFile());
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            assertThat(compiled.get(name))
                    .as("compiled output of \"%s\" differs from %s; if the change is intended, refresh it with "
                            + "-Dmiaobu.updateVectors=true", name, committed)
                    .isEqualTo(expected.get(name));
        }
        assertThat(expected.size()).isEqualTo(cases.size());
    }

    private static byte[] pretty(ObjectNode node) throws IOException {
        return (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    }

}
