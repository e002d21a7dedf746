package io.miaobu.dynamic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.VectorFiles;
import io.miaobu.json.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The function routing vectors (edge/test/vectors/functions.json, run through the engine by
 * edge/test/functions-vectors.test.js): each case's manifest, compiled by the build, gives exactly the
 * route config the engine is tested with, and a route entry with backends is the JSON the edge reads.
 */
class FunctionRoutesVectorsTest {
    @Test
    void the_build_compiles_each_manifest_into_the_config_the_edge_is_tested_with() throws Exception {
        JsonNode cases = Json.MAPPER.readTree(VectorFiles.find("functions.json").toFile());
        assertThat(cases.size()).isGreaterThanOrEqualTo(4);
        for (JsonNode c : cases) {
            ObjectNode manifestJson = ((ObjectNode) c.get("manifest").deepCopy()).put("version", 1);
            FunctionManifest manifest = Json.MAPPER.treeToValue(manifestJson, FunctionManifest.class);

            JsonNode compiled = Json.MAPPER.valueToTree(FunctionBuild.routes(RouteConfig.DEFAULTS, manifest));

            ObjectNode functionsPart = Json.MAPPER.createObjectNode();
            for (String field : new String[] {"functions", "app"}) {
                if (compiled.has(field)) {
                    functionsPart.set(field, compiled.get(field));
                }
            }
            assertThat(functionsPart).as(c.get("name").asText()).isEqualTo(c.get("config"));
        }
    }

    @Test
    void a_route_entry_carries_its_backends_and_a_static_one_says_nothing_of_them() throws Exception {
        Instant at = Instant.parse("2026-12-01T09:00:00Z");
        RouteEntry dynamic = new RouteEntry("d1", "sites/p1/d1/", RouteConfig.DEFAULTS, at, Map.of("node", "local:d1/node"));

        JsonNode json = Json.MAPPER.readTree(Json.write(dynamic));

        assertThat(json.get("backends")).isEqualTo(Json.MAPPER.readTree("{\"node\":\"local:d1/node\"}"));
        assertThat(Json.MAPPER.readValue(Json.write(dynamic), RouteEntry.class)).isEqualTo(dynamic);
        JsonNode staticEntry = Json.MAPPER.readTree(Json.write(new RouteEntry("d1", "sites/p1/d1/", RouteConfig.DEFAULTS, at)));
        assertThat(staticEntry.has("backends")).isFalse();
        assertThat(staticEntry.get("config").has("functions")).isFalse();
        assertThat(staticEntry.get("config").has("app")).isFalse();
    }
}
