package io.miaobu.build.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.api.DetectionView;
import io.miaobu.json.Json;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Detection over fixture repositories (fixtures.json beside this class): every catalog entry has
 * at least one, each named for the behaviour it shows, and compared field by field with what
 * {@code ./miaobu detect} prints. A field ending in {@code ~} only has to contain the text.
 */
class FrameworkDetectorTest {
    private static JsonNode fixtures;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = FrameworkDetectorTest.class.getResourceAsStream("fixtures.json")) {
            fixtures = Json.MAPPER.readTree(in);
        }
    }

    static Map<String, String> files(JsonNode fixture) {
        Map<String, String> files = new LinkedHashMap<>();
        fixture.get("files").fields().forEachRemaining(e ->
                files.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return files;
    }

    @TestFactory
    Stream<DynamicTest> every_fixture_is_detected_as_expected() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode fixture : fixtures) {
            tests.add(DynamicTest.dynamicTest(fixture.get("name").asText(), () -> {
                Detection d = FrameworkDetector.standard().detect(new MapSourceTree(files(fixture)),
                        fixture.path("root").asText(null));
                Map<String, Object> view = Json.MAPPER.convertValue(DetectionView.of(d), new TypeReference<Map<String, Object>>() {});
                fixture.get("expect").fields().forEachRemaining(e -> {
                    String field = e.getKey();
                    if (field.endsWith("~")) {
                        assertThat(String.valueOf(view.get(field.substring(0, field.length() - 1)))).as(field).contains(e.getValue().asText());
                    } else {
                        Object expected = e.getValue().isNull() ? null : e.getValue().isBoolean() ? (Object) e.getValue().asBoolean() : e.getValue().asText();
                        assertThat(view.get(field)).as(field + " in " + view).isEqualTo(expected);
                    }
                });
            }));
        }
        return tests.stream();
    }

    @Test
    void the_catalog_has_at_least_35_frameworks_and_every_one_has_a_fixture() {
        FrameworkCatalog catalog = FrameworkCatalog.standard();
        assertThat(catalog.frameworks()).hasSizeGreaterThanOrEqualTo(35);
        Set<String> covered = new HashSet<>();
        for (JsonNode fixture : fixtures) {
            JsonNode framework = fixture.get("expect").get("framework");
            if (framework != null && framework.isTextual()) {
                covered.add(framework.asText());
            }
        }
        assertThat(covered).containsAll(catalog.frameworks().stream().map(FrameworkCatalog.Framework::id).toList());
    }

    @Test
    void a_project_registry_in_npmrc_is_reported_so_the_mirror_does_not_override_it() {
        Detection d = FrameworkDetector.standard().detect(new MapSourceTree(Map.of(
                "package.json", "{\"scripts\":{\"build\":\"vite build\"},\"devDependencies\":{\"vite\":\"5\"}}",
                ".npmrc", "registry=https://npm.example.com/\n")), null);
        assertThat(d.projectRegistry()).isEqualTo(".npmrc");

        Detection scoped = FrameworkDetector.standard().detect(new MapSourceTree(Map.of(
                "package.json", "{\"scripts\":{\"build\":\"vite build\"}}",
                ".npmrc", "@acme:registry=https://npm.acme.test/\n")), null);
        assertThat(scoped.projectRegistry()).isNull();
    }

    @Test
    void the_build_cache_keeps_the_download_cache_node_modules_and_framework_caches_outside_it() {
        Detection npm = FrameworkDetector.standard().detect(new MapSourceTree(Map.of(
                "package.json", "{\"scripts\":{\"build\":\"gatsby build\"},\"dependencies\":{\"gatsby\":\"5\"}}",
                "package-lock.json", "{}")), null);
        assertThat(npm.homeCaches()).containsExactly(".npm");
        assertThat(npm.projectCaches()).containsExactly("node_modules", ".cache");

        Detection pnpm = FrameworkDetector.standard().detect(new MapSourceTree(Map.of(
                "package.json", "{\"scripts\":{\"build\":\"gatsby build\"},\"dependencies\":{\"gatsby\":\"5\"}}",
                "pnpm-lock.yaml", "")), null);
        assertThat(pnpm.homeCaches()).contains(".local/share/pnpm/store");
        assertThat(pnpm.projectCaches()).containsExactly("node_modules", ".cache");
        assertThat(pnpm.lockfiles()).containsExactly("pnpm-lock.yaml");
    }
}
