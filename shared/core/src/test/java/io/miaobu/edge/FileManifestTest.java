package io.miaobu.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * FileManifest must choose the shards and keys edge/src/manifest.js reads: both run
 * edge/test/vectors/manifest.json (the JavaScript side is edge/test/manifest.test.js).
 */
class FileManifestTest {
    static JsonNode vectors() throws IOException {
        return Json.MAPPER.readTree(VectorFiles.find("manifest.json").toFile());
    }

    @Test
    void a_paths_shard_is_the_one_the_routine_reads() throws IOException {
        JsonNode cases = vectors().get("shards");
        assertThat(cases.size()).isGreaterThanOrEqualTo(50);
        for (JsonNode c : cases) {
            assertThat(FileManifest.shard(c.get("path").asText(), c.get("shards").asInt())).as(c.toString()).isEqualTo(c.get("shard").asInt());
        }
        for (JsonNode c : vectors().get("everyShard")) {
            assertThat(FileManifest.inEveryShard(c.get("path").asText())).as(c.toString()).isEqualTo(c.get("every").asBoolean());
        }
    }

    @Test
    void keys_are_the_routines_and_refuse_ids_that_could_collide() throws IOException {
        for (JsonNode c : vectors().get("keys")) {
            String id = c.get("deploymentId").asText();
            String key = c.has("shard") ? FileManifest.key(id, c.get("shard").asInt()) : FileManifest.key(id);
            assertThat(key).isEqualTo(c.get("key").asText()).matches("[A-Za-z0-9_-]{1,512}");
        }
        for (JsonNode id : vectors().get("badIds")) {
            assertThatThrownBy(() -> FileManifest.key(id.asText())).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(RouteKeys.encode("FILES.d1")).doesNotStartWith(FileManifest.KEY_PREFIX);
    }

    @Test
    void a_small_site_is_one_value_with_every_path() throws IOException {
        Map<String, String> values = FileManifest.values("d1", List.of("index.html", "about.html", "about.html", "assets/a.js"), 1_800_000);
        assertThat(values).containsOnlyKeys("FILES_d1");
        JsonNode head = Json.MAPPER.readTree(values.get("FILES_d1"));
        assertThat(head.get("shards").asInt()).isEqualTo(1);
        assertThat(head.get("paths").toString()).isEqualTo("[\"about.html\",\"assets/a.js\",\"index.html\"]");
    }

    @Test
    void a_big_site_is_split_into_shards_each_within_the_limit_holding_its_paths_and_the_fallbacks() throws IOException {
        List<String> paths = new ArrayList<>(List.of("index.html", "404.html", "docs/404.html"));
        for (int i = 0; i < 2000; i++) {
            paths.add("blog/" + i + "/index.html");
            paths.add("assets/chunk-" + i + ".js");
        }
        int limit = 20_000;
        Map<String, String> values = FileManifest.values("d1", paths, limit);
        int shards = Json.MAPPER.readTree(values.get("FILES_d1")).get("shards").asInt();
        assertThat(shards).isGreaterThan(1);
        assertThat(Integer.bitCount(shards)).isEqualTo(1);
        assertThat(values).hasSize(shards + 1);
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < shards; k++) {
            String value = values.get(FileManifest.key("d1", k));
            assertThat(value.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(limit);
            JsonNode shard = Json.MAPPER.readTree(value);
            assertThat(shard.get("shard").asInt()).isEqualTo(k);
            assertThat(shard.get("shards").asInt()).isEqualTo(shards);
            List<String> listed = new ArrayList<>();
            shard.get("paths").forEach(p -> listed.add(p.asText()));
            assertThat(listed).contains("index.html", "404.html", "docs/404.html");
            for (String p : listed) {
                assertThat(FileManifest.inEveryShard(p) || FileManifest.shard(p, shards) == k).as(p).isTrue();
            }
            seen.addAll(listed);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(paths);
    }

    @Test
    void a_list_that_cannot_fit_is_refused_with_the_reason() {
        List<String> fallbacks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fallbacks.add("section-" + i + "/404.html");
        }
        assertThatThrownBy(() -> FileManifest.values("d1", fallbacks, 500))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("404.html");
    }
}
