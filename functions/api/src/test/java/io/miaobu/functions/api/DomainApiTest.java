package io.miaobu.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.Platform;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.DnsLookup;
import io.miaobu.domains.DomainPorts;
import io.miaobu.domains.EdgeHostnames;
import io.miaobu.dns.DnsJavaLookup;
import io.miaobu.local.DirectoryCertificateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.memory.RecordingEdgeHostnames;
import io.miaobu.testkit.TestPostgres;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The domains API as the API function wires it (DNS lookups, no CA): what the answer tells the user
 * under each operator setting. The full path to HTTPS is CustomDomainFlowTest (local host + Pebble).
 */
class DomainApiTest {
    @TempDir
    Path tmp;

    PostgresDatabase db;

    @AfterEach
    void stop() {
        if (db != null) {
            db.close();
        }
    }

    Platform platform;

    RouterClient api(Map<String, String> settings) throws Exception {
        return api(settings, null);
    }

    RouterClient api(Map<String, String> settings, DomainPorts ports) throws Exception {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> env = new HashMap<>(settings);
        env.put("MIAOBU_DATA_DIR", tmp.toString());
        MiaobuConfig config = MiaobuConfig.fromEnv(env);
        platform = Platform.assemble(config, SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)), db,
                        db.jobQueue(), new DiskArtifactStore(tmp.resolve("artifacts")), new FileRouteTable(tmp.resolve("routes")),
                        new RecordingCachePurger(), Clock.systemUTC())
                .domains(ports != null ? ports : new DomainPorts(DnsJavaLookup.create(config.domains().dnsResolver()),
                        new DirectoryCertificateStore(tmp.resolve("certificates")), EdgeHostnames.NONE, CertificateIssuer.NOT_CONFIGURED, () -> {}))
                .build();
        RouterClient client = RouterClient.checked(platform.router());
        JsonNode session = client.ok("POST", "/api/v1/auth/register", "{\"email\":\"icp@example.com\",\"password\":\"correct horse\"}");
        client.token = session.get("token").asText();
        return client;
    }

    @Test
    void on_a_mainland_edge_every_domain_says_it_needs_an_icp_filing() throws Exception {
        RouterClient client = api(Map.of("MIAOBU_EDGE_REGION", "mainland", "MIAOBU_BASE_DOMAIN", "miaobu.example.cn",
                "MIAOBU_EDGE_TARGET", "edge.miaobu.example.cn", "MIAOBU_APEX_ADDRESSES", "203.0.113.7, 203.0.113.8"));
        String project = client.ok("POST", "/api/v1/projects", "{\"name\":\"Shop\"}").get("id").asText();
        JsonNode domain = client.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"shop-example.com.cn\"}");
        assertThat(domain.get("icpRequired").asBoolean()).isTrue();
        assertThat(domain.get("message").asText()).contains("ICP filing").contains("shop-example.com.cn");
        assertThat(domain.get("apex").asBoolean()).isTrue();
        assertThat(domain.get("dnsRecords").findValuesAsText("value"))
                .containsExactly("203.0.113.7", "203.0.113.8", "miaobu-verify=" + domain.get("dnsRecords").get(2)
                        .get("value").asText().substring("miaobu-verify=".length()));
        assertThat(client.ok("GET", "/api/v1/domains/" + domain.get("id").asText(), null).get("icpRequired").asBoolean()).isTrue();
        // Record names as registrars' forms want them: relative to the registered domain (com.cn is a public suffix).
        assertThat(domain.get("dnsRecords").findValuesAsText("host")).containsExactly("@", "@", "_miaobu");

        RouterClient.Reply own = client.call("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"shop.miaobu.example.cn\"}");
        assertThat(own.status()).isEqualTo(400);
        assertThat(own.json().get("error").get("message").asText()).contains("this platform's own domain");
    }

    @Test
    void a_global_edge_asks_for_no_filing_and_without_apex_addresses_refuses_apex_domains() throws Exception {
        RouterClient client = api(Map.of("MIAOBU_BASE_DOMAIN", "miaobu.example.com", "MIAOBU_EDGE_TARGET", "edge.miaobu.example.com"));
        String project = client.ok("POST", "/api/v1/projects", "{\"name\":\"Shop\"}").get("id").asText();
        JsonNode domain = client.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"www.example.net\"}");
        assertThat(domain.get("icpRequired").asBoolean()).isFalse();
        assertThat(domain.get("message").isNull()).isTrue();
        assertThat(domain.get("certificate").isNull()).isTrue();
        RouterClient.Reply apex = client.call("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"example.net\"}");
        assertThat(apex.status()).isEqualTo(400);
        assertThat(apex.json().get("error").get("message").asText()).contains("MIAOBU_APEX_ADDRESSES").contains("www.example.net");
        JsonNode list = client.ok("GET", "/api/v1/projects/" + project + "/domains", null);
        assertThat(list.get("domains")).hasSize(1);
        assertThat(client.call("DELETE", "/api/v1/domains/" + domain.get("id").asText(), null).status()).isEqualTo(204);
        assertThat(client.ok("GET", "/api/v1/projects/" + project + "/domains", null).get("domains")).isEmpty();
    }

    @Test
    void with_edge_managed_certificates_a_verified_domain_is_attached_to_the_edge_and_active_without_an_acme_order()
            throws Exception {
        Map<String, List<String>> zone = new ConcurrentHashMap<>(); // "TYPE name" -> values: the DNS the user edits
        DnsLookup dns = (name, type) -> zone.getOrDefault(type + " " + name, List.of());
        RecordingEdgeHostnames recording = new RecordingEdgeHostnames();
        List<String> edge = recording.calls;
        // ESA-managed certificates need an ESA site; the recording edge stands in for its custom hostnames.
        RouterClient client = api(Map.of("MIAOBU_CERTIFICATES", "esa-managed", "MIAOBU_ESA_SITE_ID", "7096621098",
                "MIAOBU_BASE_DOMAIN", "miaobu.example.com", "MIAOBU_EDGE_TARGET", "edge.miaobu.example.com"), new DomainPorts(dns,
                new DirectoryCertificateStore(tmp.resolve("certificates")), recording, CertificateIssuer.NOT_CONFIGURED, () -> {}));
        String project = client.ok("POST", "/api/v1/projects", "{\"name\":\"Shop\"}").get("id").asText();
        JsonNode domain = client.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"www.example.net\"}");
        String id = domain.get("id").asText();
        zone.put("CNAME www.example.net", List.of("edge.miaobu.example.com"));
        zone.put("TXT _miaobu.www.example.net", List.of(domain.get("dnsRecords").get(1).get("value").asText()));
        assertThat(client.ok("POST", "/api/v1/domains/" + id + "/verify", null).get("status").asText()).isEqualTo("VERIFIED");
        platform.domainJobs().orElseThrow().run();
        JsonNode active = client.ok("GET", "/api/v1/domains/" + id, null);
        assertThat(active.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(active.get("certificate").get("issuer").asText()).isEqualTo("managed by the edge");
        assertThat(active.get("nextCheckAt").isNull()).isTrue();
        assertThat(edge).containsExactly("attach www.example.net");
        client.ok("DELETE", "/api/v1/domains/" + id, null);
        assertThat(edge).containsExactly("attach www.example.net", "detach www.example.net");
    }
}
