package io.miaobu.functions.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.Platform;
import io.miaobu.build.SourceFetcher;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.dns.DnsJavaLookup;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.DomainPorts;
import io.miaobu.domains.EdgeHostnames;
import io.miaobu.http.Router;
import io.miaobu.local.DirectoryCertificateStore;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.ApiContract;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document at GET /api/v1/openapi.json against the router every function serves: the same
 * operations, and answers that match it (ApiBehaviourTest and DomainApiTest check every answer they get).
 */
class ApiDocumentTest {
    private static final String JSON = "application/json; charset=utf-8";

    @TempDir
    Path tmp;

    PostgresDatabase db;
    Router router;

    @BeforeEach
    void start() throws Exception {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        MiaobuConfig config = MiaobuConfig.fromEnv(Map.of("MIAOBU_DATA_DIR", tmp.toString()));
        SourceFetcher noClones = (url, credentials, branch, commit, into, output) -> {
            throw new AssertionError("nothing here clones");
        };
        // Everything any function serves: the api function's routes with domains, and the builder's detection.
        router = Platform.assemble(config, SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)), db,
                        db.jobQueue(), new DiskArtifactStore(tmp.resolve("artifacts")), new FileRouteTable(tmp.resolve("routes")),
                        new RecordingCachePurger(), Clock.systemUTC())
                .domains(new DomainPorts(DnsJavaLookup.create(config.domains().dnsResolver()),
                        new DirectoryCertificateStore(tmp.resolve("certificates")), EdgeHostnames.NONE, CertificateIssuer.NOT_CONFIGURED, () -> {}))
                .detection(noClones)
                .build().router();
    }

    @AfterEach
    void stop() {
        db.close();
    }

    @Test
    void every_route_the_platform_serves_is_documented_and_every_documented_operation_is_served() {
        Set<String> served = new LinkedHashSet<>(router.routes());
        Set<String> documented = ApiContract.operations();
        assertThat(documented).as("documented operations no route serves").isSubsetOf(served);
        assertThat(served).as("routes missing from the API document").isSubsetOf(documented);
    }

    @Test
    void the_document_is_served_without_signing_in_as_openapi_3_1() {
        RouterClient.Reply reply = RouterClient.checked(router).call("GET", "/api/v1/openapi.json", null);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("application/json");
        JsonNode document = reply.json();
        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.at("/components/schemas/Error/properties/error/properties/fields").isObject()).isTrue();
    }

    @Test
    void a_domain_is_checked_against_the_document_through_add_list_get_verify_and_delete() {
        RouterClient client = RouterClient.checked(router);
        client.token = client.ok("POST", "/api/v1/auth/register",
                "{\"email\":\"doc@example.com\",\"password\":\"correct horse\"}").get("token").asText();
        String project = client.ok("POST", "/api/v1/projects", "{\"name\":\"contract-site\"}").get("id").asText();
        JsonNode domain = client.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"www.example.com\"}");
        assertThat(domain.path("dnsRecords").size()).isPositive();
        client.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"shop.example.org\"}");
        assertThat(client.ok("GET", "/api/v1/projects/" + project + "/domains", null).path("domains").size()).isEqualTo(2);
        client.ok("GET", "/api/v1/domains/" + domain.get("id").asText(), null);
        client.ok("POST", "/api/v1/domains/" + domain.get("id").asText() + "/verify", null);
        RouterClient.Reply invalid = client.call("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"not a host\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().at("/error/fields/hostname").asText()).isEqualTo(invalid.json().at("/error/message").asText());
        assertThat(client.call("DELETE", "/api/v1/domains/" + domain.get("id").asText(), null).status()).isEqualTo(204);
    }

    @Test
    void deploy_hooks_are_checked_against_the_document_through_create_list_trigger_and_delete() {
        RouterClient client = RouterClient.checked(router);
        client.token = client.ok("POST", "/api/v1/auth/register",
                "{\"email\":\"hooks@example.com\",\"password\":\"correct horse\"}").get("token").asText();
        String project = client.ok("POST", "/api/v1/projects",
                "{\"name\":\"hooked\",\"gitUrl\":\"https://github.com/octo/site.git\"}").get("id").asText();
        JsonNode hook = client.ok("POST", "/api/v1/projects/" + project + "/hooks", "{\"name\":\"CMS\"}");
        assertThat(client.ok("GET", "/api/v1/projects/" + project + "/hooks", null).size()).isEqualTo(1);
        String url = hook.get("url").asText();
        JsonNode triggered = RouterClient.checked(router).ok("POST", url.substring(url.indexOf("/hooks/deploy/")), null);
        assertThat(triggered.at("/deployment/status").asText()).isEqualTo("QUEUED");
        assertThat(client.ok("GET", "/api/v1/projects/" + project + "/deployments", null).size()).isEqualTo(1);
        RouterClient.Reply unnamed = client.call("POST", "/api/v1/projects/" + project + "/hooks", "{\"name\":\" \"}");
        assertThat(unnamed.status()).isEqualTo(400);
        assertThat(unnamed.json().at("/error/fields/name").asText()).contains("1 to 100 characters");
        RouterClient.Reply badBranch = client.call("POST", "/api/v1/projects/" + project + "/hooks", "{\"name\":\"x\",\"branch\":\"a..b\"}");
        assertThat(badBranch.json().at("/error/fields").fieldNames()).toIterable().containsExactly("branch");
        assertThat(client.call("DELETE", "/api/v1/projects/" + project + "/hooks/" + hook.get("id").asText(), null).status())
                .isEqualTo(204);
    }

    @Test
    void an_answer_that_drifts_from_the_document_fails_the_check() {
        String project = """
                {"id":"p_1","name":"a","slug":"a","gitUrl":null,"githubRepository":null,"productionBranch":"main",
                 "rootDirectory":null,"installCommand":null,"buildCommand":null,"outputDirectory":null,"autoPublish":true,
                 "liveDeploymentId":null,"url":"http://a.localhost","createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}""";
        ApiContract.assertConforms("GET", "/api/v1/projects/p_1", 200, JSON, bytes(project));

        assertThatThrownBy(() -> ApiContract.assertConforms("GET", "/api/v1/projects/p_1", 200, JSON,
                bytes(project.replace("\"gitUrl\":null", "\"gitUrl\":7")))).hasMessageContaining("gitUrl");
        assertThatThrownBy(() -> ApiContract.assertConforms("GET", "/api/v1/projects/p_1", 200, JSON,
                bytes(project.replace("\"slug\":\"a\",", "")))).hasMessageContaining("slug");
        assertThatThrownBy(() -> ApiContract.assertConforms("GET", "/api/v1/projects/p_1", 200, JSON,
                bytes(project.replace("{\"id\"", "{\"secret\":\"x\",\"id\"")))).hasMessageContaining("secret");
        assertThatThrownBy(() -> ApiContract.assertConforms("GET", "/api/v1/projects/p_1", 418, JSON, bytes(project)))
                .hasMessageContaining("418");
        assertThatThrownBy(() -> ApiContract.assertConforms("POST", "/api/v1/projects/p_1/nothing", 200, JSON, bytes("{}")))
                .hasMessageContaining("no path");
        assertThatThrownBy(() -> ApiContract.assertConforms("POST", "/api/v1/projects", 400, JSON,
                bytes("{\"error\":{\"code\":\"invalid_name\",\"message\":\"m\",\"fields\":{\"name\":3}}}")))
                .hasMessageContaining("fields");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
