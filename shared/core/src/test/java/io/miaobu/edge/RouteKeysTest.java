package io.miaobu.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.domains.AcmeChallenges;
import io.miaobu.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RouteKeys.encode must equal edge/src/engine.js encodeRouteKey. Both sides run the same vectors
 * (edge/test/vectors/route-keys.json; the JavaScript side is edge/test/route-keys.test.js).
 */
class RouteKeysTest {
    static List<JsonNode> cases() throws IOException {
        JsonNode root = Json.MAPPER.readTree(VectorFiles.find("route-keys.json").toFile());
        List<JsonNode> cases = new ArrayList<>();
        root.forEach(cases::add);
        return cases;
    }

    static Stream<Arguments> vectors() throws IOException {
        return cases().stream().map(c -> Arguments.of(
                c.path("name").asText(c.get("host").asText()), c.get("host").asText(), c.get("key").asText()));
    }

    @Test
    void the_shared_vector_file_is_found_and_has_at_least_12_cases() throws IOException {
        List<JsonNode> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(12);
        assertThat(cases).allSatisfy(c -> {
            assertThat(c.get("host").isTextual()).isTrue();
            assertThat(c.get("key").isTextual()).isTrue();
        });
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("vectors")
    void a_host_encodes_to_the_same_key_as_in_the_edge(String name, String host, String key) {
        assertThat(RouteKeys.encode(host)).as(name).isEqualTo(key);
    }

    /** ESA "Get started with Edge KV": at most 512 bytes of letters, digits, {@code -} and {@code _}. */
    @Test
    void every_key_is_in_the_edge_kv_alphabet_and_fits_and_never_looks_like_an_acme_challenge_key() throws IOException {
        for (JsonNode c : cases()) {
            String key = RouteKeys.encode(c.get("host").asText());
            assertThat(key).as(c.get("host").asText()).matches("[A-Za-z0-9_-]*");
            assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512);
            assertThat(key).doesNotStartWith(AcmeChallenges.KV_PREFIX);
        }
    }

    @Test
    void a_local_route_file_is_the_key_with_capitals_escaped_as_in_the_edge() throws IOException {
        for (JsonNode c : cases()) {
            String file = RouteKeys.fileName(c.get("key").asText());
            assertThat(file).isEqualTo(file.toLowerCase(Locale.ROOT));
            if (c.has("file")) {
                assertThat(file).as(c.get("host").asText()).isEqualTo(c.get("file").asText());
            }
        }
    }

    @Test
    void the_key_does_not_depend_on_the_default_locale() throws IOException {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            for (JsonNode c : cases()) {
                assertThat(RouteKeys.encode(c.get("host").asText())).isEqualTo(c.get("key").asText());
            }
            assertThat(RouteKeys.encode("INFO.example")).isEqualTo("info_example");
        } finally {
            Locale.setDefault(saved);
        }
    }

    static Stream<Arguments> lookups() throws IOException {
        List<Arguments> lookups = new ArrayList<>();
        Json.MAPPER.readTree(VectorFiles.find("route-lookup.json").toFile()).forEach(c -> {
            List<String> keys = new ArrayList<>();
            c.get("keys").forEach(k -> keys.add(k.asText()));
            lookups.add(Arguments.of(c.get("name").asText(), c.get("host").asText(), keys));
        });
        return lookups.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("lookups")
    void a_request_host_is_looked_up_as_itself_then_as_the_wildcard_domain_covering_it(String name, String host, List<String> keys) {
        assertThat(RouteKeys.lookupOrder(host).stream().map(RouteKeys::encode).toList()).isEqualTo(keys);
    }
}
