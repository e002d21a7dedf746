package io.miaobu.esa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.ConfigException;
import io.miaobu.config.EdgeSettings;
import io.miaobu.domains.AcmeChallenges;
import io.miaobu.domains.EdgeHostnames;
import io.miaobu.edge.CachePurger;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteKeys;
import io.miaobu.edge.RouteTable;
import io.miaobu.edge.rules.HeaderRule;
import io.miaobu.testkit.AcmeChallengesContract;
import io.miaobu.testkit.aliyun.FakeEsa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EsaAdaptersTest {
    static final AliyunCredentials STS = new AliyunCredentials("STS.key-1", "secret-1", Optional.of("token-1"));
    static final String NAMESPACE = "miaobu_routes";
    static final String SITE = "7096621098****".replace("*", "1");

    final FakeEsa esa = new FakeEsa(STS, SITE).createNamespace(NAMESPACE).addRecord("edge.miaobu.app");

    @AfterEach
    void stop() {
        esa.close();
    }

    EsaAdapters adapters(Map<String, String> extra, Supplier<AliyunCredentials> credentials) {
        Map<String, String> env = new HashMap<>(Map.of(
                "MIAOBU_ESA_KV_NAMESPACE", NAMESPACE,
                "MIAOBU_ESA_SITE_ID", SITE,
                "MIAOBU_ESA_ENDPOINT", esa.endpoint(),
                "MIAOBU_EDGE_TARGET", "edge.miaobu.app"));
        env.putAll(extra);
        return EsaAdapters.from(EdgeSettings.fromEnv(name -> Optional.ofNullable(env.get(name))), credentials);
    }

    RouteTable routes() {
        return adapters(Map.of(), () -> STS).routeTable().orElseThrow();
    }

    static RouteEntry entry(String deploymentId) {
        return new RouteEntry(deploymentId, "sites/p1/" + deploymentId + "/",
                new RouteConfig(true, null, null, null, List.of(), List.of()), Instant.parse("2026-11-23T10:00:00Z"));
    }

    /** The contract every AcmeChallenges passes: answers in the routes' KV namespace, where the edge routine reads them. */
    @Nested
    class Challenges extends AcmeChallengesContract {
        @Override
        protected AcmeChallenges challenges() {
            return adapters(Map.of(), () -> STS).acmeChallenges().orElseThrow();
        }

        @Override
        protected Optional<String> served(String token) {
            return esa.kvValue(NAMESPACE, AcmeChallenges.KV_PREFIX + token);
        }
    }

    @Test
    void a_route_entry_is_stored_under_the_hosts_encoded_key_and_read_back() throws Exception {
        RouteTable routes = routes();
        routes.put("Shop.Example.COM", entry("dabc"));

        String stored = esa.kvValue(NAMESPACE, "shop_example_com").orElseThrow();
        JsonNode json = new ObjectMapper().readTree(stored);
        assertThat(json.path("deploymentId").asText()).isEqualTo("dabc");
        assertThat(json.path("prefix").asText()).isEqualTo("sites/p1/dabc/");
        assertThat(routes.get("shop.example.com")).contains(entry("dabc"));
        assertThat(esa.calls("PutKv")).singleElement().satisfies(c -> assertThat(c.signatureVersion()).isEqualTo("ACS3-HMAC-SHA256"));

        routes.put("shop.example.com", entry("ddef"));
        assertThat(routes.get("shop.example.com").orElseThrow().deploymentId()).isEqualTo("ddef");

        routes.delete("shop.example.com");
        assertThat(esa.kvValue(NAMESPACE, "shop_example_com")).isEmpty();
        assertThat(routes.get("shop.example.com")).isEmpty();
        routes.delete("shop.example.com"); // deleting again is fine
    }

    @Test
    void keys_are_the_same_as_the_shared_route_key_vectors_say() throws Exception {
        JsonNode vectors = new ObjectMapper().readTree(Files.readString(repoRoot().resolve("edge/test/vectors/route-keys.json")));
        RouteTable routes = routes();
        int written = 0;
        for (JsonNode v : vectors) {
            String key = v.path("key").asText();
            if (key.isEmpty() || key.contains("/") || key.contains(" ")) {
                continue;
            }
            routes.put(v.path("host").asText(), entry("d" + written++));
            assertThat(esa.kvValue(NAMESPACE, key)).as(v.path("name").asText()).isPresent();
            assertThat(key).isEqualTo(RouteKeys.encode(v.path("host").asText()));
        }
        assertThat(written).isGreaterThan(5);
    }

    /** ESA "Get started with Edge KV": keys are at most 512 bytes of letters, digits, - and _ (the fake refuses the rest). */
    @Test
    void edge_kv_refuses_keys_outside_its_alphabet_or_longer_than_512_bytes() {
        EsaApi api = EsaApi.of(esa.endpoint(), () -> STS);
        for (String key : List.of("~2a_example_com", "a.b", "a b", "a/b", "caf\u00e9")) {
            assertThatThrownBy(() -> api.call("PutKv", Map.of("Namespace", NAMESPACE, "Key", key, "Value", "{}")))
                    .as(key).isInstanceOfSatisfying(AliyunApiException.class, e -> assertThat(e.code()).isEqualTo("InvalidKey.Malformed"));
        }
        assertThatThrownBy(() -> api.call("PutKv", Map.of("Namespace", NAMESPACE, "Key", "k".repeat(513), "Value", "{}")))
                .isInstanceOfSatisfying(AliyunApiException.class, e -> assertThat(e.code()).isEqualTo("InvalidKey.ExceedsMaximum"));
        api.call("PutKv", Map.of("Namespace", NAMESPACE, "Key", "Ab-9_" + "k".repeat(507), "Value", "{}"));
        assertThat(esa.kvEntries(NAMESPACE)).hasSize(1);
    }

    @Test
    void a_wildcard_domain_and_an_underscore_get_keys_edge_kv_accepts() {
        RouteTable routes = routes();
        routes.put("*.shop.example.com", entry("dwild"));
        routes.put("my_site.example.com", entry("dunder"));

        assertThat(esa.kvValue(NAMESPACE, "CK_shop_example_com")).isPresent();
        assertThat(esa.kvValue(NAMESPACE, "myFPsite_example_com")).isPresent();
        assertThat(routes.get("*.shop.example.com").orElseThrow().deploymentId()).isEqualTo("dwild");
    }

    @Test
    void a_wrong_secret_is_refused_by_the_signature_check() {
        RouteTable routes = adapters(Map.of(), () -> new AliyunCredentials("STS.key-1", "wrong", Optional.of("token-1"))).routeTable().orElseThrow();
        assertThatThrownBy(() -> routes.put("a.example.com", entry("d1")))
                .isInstanceOf(AliyunApiException.class)
                .hasMessageContaining("SignatureDoesNotMatch")
                .hasMessageContaining("PutKv");
        assertThat(esa.kvEntries(NAMESPACE)).isEmpty();
    }

    @Test
    void a_missing_security_token_is_refused() {
        RouteTable routes = adapters(Map.of(), () -> new AliyunCredentials("STS.key-1", "secret-1", Optional.empty())).routeTable().orElseThrow();
        assertThatThrownBy(() -> routes.get("a.example.com")).hasMessageContaining("MissingSecurityToken");
    }

    @Test
    void the_fake_refuses_another_api_version_and_unknown_actions_as_esa_does() {
        var oldVersion = new io.miaobu.aliyun.AcsRpcClient("ESA", esa.endpoint(), "2018-01-15", () -> STS);
        assertThatThrownBy(() -> oldVersion.call("GetKv", Map.of("Namespace", NAMESPACE, "Key", "k")))
                .hasMessageContaining("InvalidVersion");
        var api = new io.miaobu.aliyun.AcsRpcClient("ESA", esa.endpoint(), EsaApi.VERSION, () -> STS);
        assertThatThrownBy(() -> api.call("PutDcdnKv", Map.of("Namespace", NAMESPACE, "Key", "k", "Value", "v")))
                .hasMessageContaining("InvalidAction.NotFound");
        assertThat(esa.kvEntries(NAMESPACE)).isEmpty();
    }

    @Test
    void each_call_uses_the_credentials_of_the_moment() {
        List<AliyunCredentials> issued = new ArrayList<>(List.of(STS,
                new AliyunCredentials("STS.key-2", "secret-2", Optional.of("token-2"))));
        AtomicInteger n = new AtomicInteger();
        RouteTable routes = adapters(Map.of(), () -> issued.get(Math.min(n.getAndIncrement(), 1))).routeTable().orElseThrow();
        routes.put("a.example.com", entry("d1"));
        esa.revoke("STS.key-1");
        esa.accept(issued.get(1));
        assertThat(routes.get("a.example.com")).isPresent();
    }

    @Test
    void throttling_is_retried_and_then_reported_with_the_services_code() {
        RouteTable routes = routes();
        esa.failNext("PutKv", 1, 400, "Throttling.User", "Request was denied due to user flow control.");
        routes.put("a.example.com", entry("d1"));
        assertThat(esa.kvValue(NAMESPACE, "a_example_com")).isPresent();

        esa.failNext("PutKv", 3, 400, "Throttling.User", "Request was denied due to user flow control.");
        assertThatThrownBy(() -> routes.put("b.example.com", entry("d2")))
                .isInstanceOf(AliyunApiException.class)
                .hasMessageContaining("ESA PutKv failed with Throttling.User")
                .hasMessageContaining("user flow control")
                .hasMessageContaining("gave up after 3 attempts");
        assertThat(esa.kvValue(NAMESPACE, "b_example_com")).isEmpty();
    }

    @Test
    void a_server_error_becomes_a_clear_exception() {
        esa.failNext("GetKv", 3, 500, "InternalError", "The request processing has failed due to some unknown error.");
        assertThatThrownBy(() -> routes().get("a.example.com"))
                .isInstanceOf(AliyunApiException.class)
                .hasMessageContaining("InternalError (HTTP 500)");
    }

    @Test
    void an_entry_too_large_for_the_routine_is_refused_and_nothing_is_written() {
        List<HeaderRule> rules = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rules.add(new HeaderRule("/page-" + i + "/*", Map.of("x-long-header-name-" + i, "v".repeat(80)), List.of()));
        }
        RouteEntry huge = new RouteEntry("dbig", "sites/p/dbig/", new RouteConfig(null, null, null, null, List.of(), rules), Instant.now());
        assertThatThrownBy(() -> routes().put("big.example.com", huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1800000 bytes")
                .hasMessageContaining("_headers");
        assertThat(esa.calls("PutKv")).isEmpty();
    }

    @Test
    void an_unknown_namespace_says_what_to_configure() {
        RouteTable routes = adapters(Map.of("MIAOBU_ESA_KV_NAMESPACE", "typo_ns"), () -> STS).routeTable().orElseThrow();
        assertThatThrownBy(() -> routes.put("a.example.com", entry("d1")))
                .hasMessageContaining("Edge KV namespace \"typo_ns\"")
                .hasMessageContaining("MIAOBU_ESA_KV_NAMESPACE")
                .hasMessageContaining("InvalidNameSpace.NotFound");
    }

    @Test
    void a_promote_purges_the_hosts_in_batches_and_files_by_url() {
        CachePurger purger = adapters(Map.of(), () -> STS).cachePurger().orElseThrow();
        purger.purgeHosts(List.of("shop.example.com", "shop.miaobu.app", "shop.example.com"));
        assertThat(esa.purges()).singleElement().satisfies(p -> {
            assertThat(p.type()).isEqualTo("hostname");
            assertThat(p.items()).containsExactly("shop.example.com", "shop.miaobu.app");
            assertThat(p.force()).isTrue();
            assertThat(p.siteId()).isEqualTo(SITE);
        });

        List<String> many = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            many.add("d" + i + "--shop.miaobu.app");
        }
        purger.purgeHosts(many);
        assertThat(esa.purges()).hasSize(4);

        ((EsaCachePurger) purger).purgeFiles(List.of("https://shop.miaobu.app/index.html"));
        assertThat(esa.purges().get(4).type()).isEqualTo("file");
        assertThat(esa.purges().get(4).items()).containsExactly("https://shop.miaobu.app/index.html");
        purger.purgeHosts(List.of());
        assertThat(esa.purges()).hasSize(5);
    }

    @Test
    void with_cdn_in_front_a_promote_purges_esa_and_then_the_cdn() {
        List<String> cdn = new ArrayList<>();
        CachePurger purger = adapters(Map.of(), () -> STS).cachePurger(Optional.of(cdn::addAll)).orElseThrow();
        purger.purgeHosts(List.of("shop.miaobu.app"));
        assertThat(esa.purges()).singleElement().satisfies(p -> assertThat(p.items()).containsExactly("shop.miaobu.app"));
        assertThat(cdn).containsExactly("shop.miaobu.app");
    }

    @Test
    void no_settings_means_the_local_adapters_stay() {
        EsaAdapters none = EsaAdapters.from(EdgeSettings.fromEnv(name -> Optional.empty()), () -> STS);
        assertThat(none.routeTable()).isEmpty();
        assertThat(none.cachePurger()).isEmpty();
        assertThat(none.edgeHostnames()).isEmpty();
        assertThat(none.certificateBinding()).isSameAs(io.miaobu.aliyun.CertificateBinding.NONE);
    }

    @Test
    void a_custom_domain_becomes_a_custom_hostname_on_the_edge_target_record_once() {
        EdgeHostnames hostnames = adapters(Map.of(), () -> STS).edgeHostnames().orElseThrow();
        hostnames.attach("WWW.Example.org");
        hostnames.attach("www.example.org");
        assertThat(esa.calls("CreateCustomHostname")).hasSize(1);
        FakeEsa.Hostname h = esa.hostname("www.example.org").orElseThrow();
        assertThat(h.sslFlag()).isEqualTo("off"); // the ACME certificate is bound later

        ((EsaEdgeHostnames) hostnames).bind("www.example.org", "12345678");
        h = esa.hostname("www.example.org").orElseThrow();
        assertThat(h.sslFlag()).isEqualTo("on");
        assertThat(h.certType()).isEqualTo("cas");
        assertThat(h.casId()).isEqualTo("12345678");
        assertThat(h.casRegion()).isEqualTo("cn-hangzhou");

        hostnames.detach("www.example.org");
        hostnames.detach("www.example.org");
        assertThat(esa.hostname("www.example.org")).isEmpty();
    }

    @Test
    void with_esa_managed_certificates_esa_issues_them() {
        EsaAdapters managed = adapters(Map.of("MIAOBU_CERTIFICATES", "esa-managed"), () -> STS);
        managed.edgeHostnames().orElseThrow().attach("shop.example.net");
        FakeEsa.Hostname h = esa.hostname("shop.example.net").orElseThrow();
        assertThat(h.sslFlag()).isEqualTo("on");
        assertThat(h.certType()).isEqualTo("free");
    }

    @Test
    void a_missing_edge_target_record_says_what_to_add() {
        EdgeHostnames hostnames = adapters(Map.of("MIAOBU_EDGE_TARGET", "cname.miaobu.app"), () -> STS).edgeHostnames().orElseThrow();
        assertThatThrownBy(() -> hostnames.attach("www.example.org"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no record named cname.miaobu.app (MIAOBU_EDGE_TARGET)");
    }

    @Test
    void an_edge_target_given_as_the_records_esa_cname_attaches_to_that_record() {
        esa.addRecord("other.miaobu.app");
        String cname = FakeEsa.recordCname("edge.miaobu.app");
        adapters(Map.of("MIAOBU_EDGE_TARGET", cname), () -> STS).edgeHostnames().orElseThrow().attach("www.example.org");

        FakeEsa.Hostname attached = esa.hostname("www.example.org").orElseThrow();
        adapters(Map.of(), () -> STS).edgeHostnames().orElseThrow().attach("shop.example.org");
        assertThat(attached.recordId()).isEqualTo(esa.hostname("shop.example.org").orElseThrow().recordId());
    }

    @Test
    void kv_and_record_parameters_travel_where_the_esa_sdk_puts_them_and_the_fake_refuses_them_elsewhere() {
        var formOnly = new io.miaobu.aliyun.AcsRpcClient("ESA", esa.endpoint(), EsaApi.VERSION, () -> STS);
        Map<String, String> kv = Map.of("Namespace", NAMESPACE, "Key", "k1");
        assertThatThrownBy(() -> formOnly.call("GetKv", kv))
                .isInstanceOf(AliyunApiException.class).hasMessageContaining("UnsupportedHTTPMethod");
        assertThatThrownBy(() -> formOnly.call("ListRecords", Map.of("SiteId", SITE), io.miaobu.aliyun.AcsRpcClient.Placement.post(java.util.Set.of("SiteId"))))
                .isInstanceOf(AliyunApiException.class).hasMessageContaining("ListRecords is called with GET");
        assertThatThrownBy(() -> formOnly.call("PutKv", Map.of("Namespace", NAMESPACE, "Key", "k1", "Value", "v")))
                .isInstanceOf(AliyunApiException.class).hasMessageContaining("PutKv reads Namespace from the query string");
        assertThatThrownBy(() -> formOnly.call("PutKv", Map.of("Namespace", NAMESPACE, "Key", "k1", "Value", "v"),
                io.miaobu.aliyun.AcsRpcClient.Placement.post(java.util.Set.of("Namespace", "Key", "Value"))))
                .isInstanceOf(AliyunApiException.class).hasMessageContaining("PutKv reads Value from the form body");
        assertThat(esa.kvValue(NAMESPACE, "k1")).isEmpty();

        // Through EsaApi each action is placed as the SDK does, and the V3 signature covers query and body.
        RouteTable routes = routes();
        routes.put("a.miaobu.app", entry("d_1"));
        assertThat(routes.get("a.miaobu.app")).isPresent();
        routes.delete("a.miaobu.app");
        assertThat(esa.calls("PutKv")).hasSize(1);
        assertThat(esa.calls("GetKv")).hasSize(1);
        assertThat(esa.calls("DeleteKv")).hasSize(1);
    }

    @Test
    void every_action_each_esa_adapter_sends_is_in_its_ram_actions() {
        EsaAdapters all = adapters(Map.of(), () -> STS);
        sent(EsaRouteTable.RAM_ACTIONS, () -> {
            RouteTable routes = all.routeTable().orElseThrow();
            routes.put("a.miaobu.app", entry("d_1"));
            routes.get("a.miaobu.app");
            routes.delete("a.miaobu.app");
        });
        sent(EsaAcmeChallenges.RAM_ACTIONS, () -> {
            var challenges = all.acmeChallenges().orElseThrow();
            challenges.put("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA", "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.t");
            challenges.delete("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA");
        });
        sent(EsaCachePurger.RAM_ACTIONS, () -> all.cachePurger().orElseThrow().purgeHosts(List.of("a.miaobu.app")));
        sent(EsaEdgeHostnames.RAM_ACTIONS, () -> {
            all.certificateBinding().bind("www.example.org", "12345");
            all.certificateBinding().unbind("www.example.org");
            all.edgeHostnames().orElseThrow().detach("www.example.org");
        });
        sent(RoutinePublisher.RAM_ACTIONS, () -> new RoutinePublisher(EsaApi.of(esa.endpoint(), () -> STS))
                .publish("miaobu-edge", "export default {}", "test", List.of("staging", "production")));
        assertThat(EsaAdapters.ramActions()).doesNotContain(RoutinePublisher.RAM_ACTIONS); // the operator's, not the functions'
    }

    private void sent(io.miaobu.aliyun.RamActions ram, Runnable work) {
        int before = esa.calls().size();
        work.run();
        io.miaobu.testkit.aliyun.RamChecks.assertDeclared(ram,
                esa.calls().subList(before, esa.calls().size()).stream().map(FakeEsa.Call::action).toList());
    }

    static Path repoRoot() {
        String configured = System.getProperty("miaobu.repo.root");
        return configured != null ? Path.of(configured) : Path.of("../..").toAbsolutePath().normalize();
    }
}
