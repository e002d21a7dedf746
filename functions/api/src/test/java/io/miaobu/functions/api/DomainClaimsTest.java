package io.miaobu.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.Platform;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.DnsLookup;
import io.miaobu.domains.DomainPorts;
import io.miaobu.local.DirectoryCertificateStore;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.TestPostgres;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nobody can hold a hostname by adding it first: claims that have not proved the name (the TXT token in its
 * DNS) block nobody, the first claim whose DNS proves it gets it, the others are told why, and a proven claim
 * keeps everybody else out.
 */
class DomainClaimsTest {
    private static final String HOST = "www.example.net";

    @TempDir
    Path tmp;

    PostgresDatabase db;
    Platform platform;
    RouterClient anonymous;
    final Map<String, List<String>> zone = new ConcurrentHashMap<>(); // "TYPE name" -> values: the DNS the owner edits
    final RecordingEdgeHostnames edgeHostnames = new RecordingEdgeHostnames();
    final List<String> edge = edgeHostnames.calls;

    @BeforeEach
    void start() throws Exception {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        MiaobuConfig config = MiaobuConfig.fromEnv(Map.of("MIAOBU_DATA_DIR", tmp.toString(), "MIAOBU_CERTIFICATES", "esa-managed",
                "MIAOBU_ESA_SITE_ID", "7096621098", "MIAOBU_BASE_DOMAIN", "miaobu.example.com",
                "MIAOBU_EDGE_TARGET", "edge.miaobu.example.com"));
        platform = new Platform(config, SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)), db, db.jobQueue(),
                new DiskArtifactStore(tmp.resolve("artifacts")), new FileRouteTable(tmp.resolve("routes")),
                new RecordingCachePurger(), Clock.systemUTC());
        DnsLookup dns = (name, type) -> zone.getOrDefault(type + " " + name, List.of());
        platform.withDomains(new DomainPorts(dns, new DirectoryCertificateStore(tmp.resolve("certificates")), edgeHostnames,
                CertificateIssuer.NOT_CONFIGURED, () -> {}));
        anonymous = RouterClient.checked(platform.router());
    }

    @AfterEach
    void stop() {
        db.close();
    }

    private RouterClient user(String email) {
        String token = anonymous.ok("POST", "/api/v1/auth/register",
                "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}").get("token").asText();
        return anonymous.as(token);
    }

    private static JsonNode claim(RouterClient who, String projectName) {
        String project = who.ok("POST", "/api/v1/projects", "{\"name\":\"" + projectName + "\"}").get("id").asText();
        return who.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"" + HOST + "\"}");
    }

    /** The owner of the name points it at Miaobu and publishes the TXT token of {@code claim}. */
    private void ownerProves(JsonNode claim) {
        zone.put("CNAME " + HOST, List.of("edge.miaobu.example.com"));
        zone.put("TXT _miaobu." + HOST, List.of(claim.get("dnsRecords").get(1).get("value").asText()));
    }

    private static JsonNode verify(RouterClient who, JsonNode claim) {
        return who.ok("POST", "/api/v1/domains/" + claim.get("id").asText() + "/verify", null);
    }

    private static String status(RouterClient who, JsonNode claim) {
        return who.ok("GET", "/api/v1/domains/" + claim.get("id").asText(), null).get("status").asText();
    }

    @Test
    void a_squatters_pending_claim_does_not_block_the_owner_who_proves_the_name_and_the_squatter_is_told_why() {
        RouterClient squatter = user("squatter@example.com");
        RouterClient owner = user("owner@example.com");
        JsonNode squatted = claim(squatter, "Squat");
        JsonNode owned = claim(owner, "Shop");
        assertThat(owned.get("status").asText()).isEqualTo("PENDING_DNS");

        ownerProves(owned);
        assertThat(verify(owner, owned).get("status").asText()).isEqualTo("VERIFIED");

        JsonNode lost = squatter.ok("GET", "/api/v1/domains/" + squatted.get("id").asText(), null);
        assertThat(lost.get("status").asText()).isEqualTo("ERROR");
        assertThat(lost.get("message").asText()).contains("Another project proved it controls " + HOST + " first");
        JsonNode again = verify(squatter, squatted);
        assertThat(again.get("status").asText()).isEqualTo("ERROR");
        assertThat(again.get("message").asText()).contains("theirs");
    }

    @Test
    void a_proven_claim_keeps_everybody_else_out() {
        RouterClient owner = user("owner@example.com");
        JsonNode owned = claim(owner, "Shop");
        ownerProves(owned);
        verify(owner, owned);

        RouterClient late = user("late@example.com");
        String project = late.ok("POST", "/api/v1/projects", "{\"name\":\"Late\"}").get("id").asText();
        RouterClient.Reply refused = late.call("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"" + HOST + "\"}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo("domain_taken");
        assertThat(refused.json().path("error").path("message").asText()).contains("already verified by another project");
    }

    @Test
    void when_two_claims_could_both_prove_the_name_the_first_to_verify_wins() {
        RouterClient first = user("first@example.com");
        RouterClient second = user("second@example.com");
        JsonNode a = claim(first, "First");
        JsonNode b = claim(second, "Second");
        zone.put("CNAME " + HOST, List.of("edge.miaobu.example.com"));
        zone.put("TXT _miaobu." + HOST, List.of(a.get("dnsRecords").get(1).get("value").asText(),
                b.get("dnsRecords").get(1).get("value").asText()));

        assertThat(verify(first, a).get("status").asText()).isEqualTo("VERIFIED");
        JsonNode loser = verify(second, b);
        assertThat(loser.get("status").asText()).isEqualTo("ERROR");
        assertThat(loser.get("message").asText()).contains("first");
    }

    @Test
    void removing_a_losing_claim_leaves_the_owners_live_domain_on_the_edge() {
        RouterClient squatter = user("squatter@example.com");
        RouterClient owner = user("owner@example.com");
        JsonNode squatted = claim(squatter, "Squat");
        JsonNode owned = claim(owner, "Shop");
        ownerProves(owned);
        verify(owner, owned);
        platform.domainJobs().run();
        assertThat(status(owner, owned)).isEqualTo("ACTIVE");
        assertThat(edge).containsExactly("attach " + HOST);

        assertThat(squatter.call("DELETE", "/api/v1/domains/" + squatted.get("id").asText(), null).status()).isEqualTo(204);
        assertThat(edge).containsExactly("attach " + HOST);
        assertThat(status(owner, owned)).isEqualTo("ACTIVE");
    }

    @Test
    void a_project_claims_a_name_once() {
        RouterClient owner = user("owner@example.com");
        String project = owner.ok("POST", "/api/v1/projects", "{\"name\":\"Shop\"}").get("id").asText();
        owner.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"" + HOST + "\"}");
        RouterClient.Reply twice = owner.call("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"" + HOST + "\"}");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json().path("error").path("message").asText()).contains("already added to this project");
    }
}
