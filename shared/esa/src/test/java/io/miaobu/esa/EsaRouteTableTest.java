package io.miaobu.esa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.EdgeSettings;
import io.miaobu.edge.FileManifest;
import io.miaobu.edge.RouteTable;
import io.miaobu.testkit.RouteTableContract;
import io.miaobu.testkit.aliyun.FakeEsa;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ESA's edge KV, through the signed OpenAPI against a server speaking ESA's protocol: the RouteTable
 * contract, and a deployment's file list where the edge routine decides from it (edge/src/manifest.js).
 */
class EsaRouteTableTest extends RouteTableContract {
    static final AliyunCredentials STS = new AliyunCredentials("STS.key-1", "secret-1", Optional.of("token-1"));
    static final String NAMESPACE = "miaobu_routes";

    final FakeEsa esa = new FakeEsa(STS, "42").createNamespace(NAMESPACE);
    final RouteTable routes = EsaAdapters.from(EdgeSettings.fromEnv(name -> Optional.ofNullable(Map.of(
            "MIAOBU_ESA_KV_NAMESPACE", NAMESPACE, "MIAOBU_ESA_ENDPOINT", esa.endpoint()).get(name))), () -> STS).routeTable().orElseThrow();

    @AfterEach
    void stop() {
        esa.close();
    }

    @Override
    protected RouteTable table() {
        return routes;
    }

    @Test
    void a_small_sites_list_is_one_value_under_the_deployments_key_and_goes_with_its_files() throws Exception {
        routes.putManifest("dk3m9x2p4q7r8s1t", List.of("index.html", "about.html", "caf\u00e9.txt"));
        JsonNode head = new ObjectMapper().readTree(esa.kvValue(NAMESPACE, "FILES_dk3m9x2p4q7r8s1t").orElseThrow());
        assertThat(head.path("shards").asInt()).isEqualTo(1);
        assertThat(head.path("paths").toString()).isEqualTo("[\"about.html\",\"caf\u00e9.txt\",\"index.html\"]");

        routes.deleteManifest("dk3m9x2p4q7r8s1t");
        assertThat(esa.kvEntries(NAMESPACE)).isEmpty();
        routes.deleteManifest("dk3m9x2p4q7r8s1t"); // again: nothing there, nothing to do
    }

    @Test
    void a_big_sites_list_is_sharded_under_the_value_limit_the_head_written_last_and_deleted_first() throws Exception {
        List<String> paths = new ArrayList<>(List.of("index.html", "404.html"));
        String longName = "x".repeat(900);
        for (int i = 0; i < 2500; i++) {
            paths.add("pages/" + i + "/" + longName + ".html");
        }
        routes.putManifest("dbig", paths);
        Map<String, String> kv = esa.kvEntries(NAMESPACE);
        int shards = new ObjectMapper().readTree(kv.get("FILES_dbig")).path("shards").asInt();
        assertThat(shards).isGreaterThan(1);
        assertThat(kv).hasSize(shards + 1);
        assertThat(kv.values()).allSatisfy(v -> assertThat(v.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1_800_000));
        assertThat(kv.keySet()).allSatisfy(k -> assertThat(k).matches("[A-Za-z0-9_-]{1,512}"));
        List<String> written = esa.calls("PutKv").stream().map(c -> c.params().get("Key")).toList();
        assertThat(written).last().isEqualTo(FileManifest.key("dbig"));

        routes.deleteManifest("dbig");
        assertThat(esa.kvEntries(NAMESPACE)).isEmpty();
        assertThat(esa.calls("DeleteKv").get(0).params().get("Key")).isEqualTo("FILES_dbig");
    }
}
