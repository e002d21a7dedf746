package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.Platform;
import io.miaobu.build.Builder;
import io.miaobu.build.git.JGitSourceFetcher;
import io.miaobu.build.process.ProcessCommandRunner;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteTable;
import io.miaobu.json.Json;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.http.SimpleRequest;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.GitRepos;
import io.miaobu.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge failing under a deploy (an edge KV write, a cache purge): a deployment that was built never
 * loses its files, the live site stays up, and the database says what the edge serves.
 */
class EdgeFailureTest {
    static final String SITE = "site.localhost";

    @TempDir
    Path tmp;

    PostgresDatabase db;
    DiskArtifactStore artifacts;
    FileRouteTable files;
    Router api;
    Builder builder;
    String token;
    String projectId;
    GitRepos repo;
    /** The host whose route writes fail, or null. */
    volatile String failingHost;
    volatile boolean purgeFails;

    @BeforeEach
    void start() throws Exception {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        artifacts = new DiskArtifactStore(tmp.resolve("artifacts"));
        files = new FileRouteTable(tmp.resolve("routes"));
        RouteTable routes = new RouteTable() {
            @Override
            public void put(String host, RouteEntry entry) {
                if (host.equals(failingHost)) {
                    throw new IllegalStateException("edge KV PutKv " + host + ": ServiceUnavailable");
                }
                files.put(host, entry);
            }

            @Override
            public Optional<RouteEntry> get(String host) {
                return files.get(host);
            }

            @Override
            public void delete(String host) {
                files.delete(host);
            }

            @Override
            public void putManifest(String deploymentId, java.util.Collection<String> paths) {
                files.putManifest(deploymentId, paths);
            }

            @Override
            public void deleteManifest(String deploymentId) {
                files.deleteManifest(deploymentId);
            }
        };
        MiaobuConfig config = MiaobuConfig.fromEnv(Map.of("MIAOBU_DATA_DIR", tmp.resolve("data").toString()));
        Platform platform = Platform.assemble(config, SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)), db,
                db.jobQueue(), artifacts, routes, hosts -> {
                    if (purgeFails) {
                        throw new IllegalStateException("ESA PurgeCaches: Throttling.User");
                    }
                }, Clock.systemUTC()).build();
        api = platform.router();
        builder = platform.builder(new JGitSourceFetcher(), new ProcessCommandRunner(),
                System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        token = call("POST", "/api/v1/auth/register", Map.of("email", "ops@example.com", "password", "correct horse battery"))
                .get("token").asText();
        repo = GitRepos.create(tmp.resolve("repo")).write("index.html", "<h1>v1</h1>");
        repo.commit("v1");
        projectId = call("POST", "/api/v1/projects", Map.of("name", "Site", "gitUrl", repo.path().toString())).get("id").asText();
    }

    @AfterEach
    void stop() {
        db.close();
    }

    @Test
    void a_build_that_cannot_go_live_stays_ready_with_its_files_and_the_old_site_keeps_serving() throws Exception {
        String v1 = deploy();
        assertThat(status(v1)).isEqualTo("READY");
        assertThat(files.get(SITE).orElseThrow().deploymentId()).isEqualTo(v1);

        repo.write("index.html", "<h1>v2</h1>").commit("v2");
        failingHost = SITE;
        String v2 = deploy();

        assertThat(status(v2)).as("its own URL serves it; it can be promoted later").isEqualTo("READY");
        assertThat(artifacts.exists("sites/" + projectId + "/" + v2 + "/index.html")).isTrue();
        assertThat(files.get(SITE).orElseThrow().deploymentId()).as("the live site is untouched").isEqualTo(v1);
        assertThat(call("GET", "/api/v1/projects/" + projectId, null).get("liveDeploymentId").asText()).isEqualTo(v1);
        assertThat(logText(v2)).contains("making it live failed").contains("ServiceUnavailable")
                .contains("Promote it from the dashboard");

        failingHost = null;
        call("POST", "/api/v1/deployments/" + v2 + "/promote", null);
        assertThat(files.get(SITE).orElseThrow().deploymentId()).isEqualTo(v2);
        assertThat(artifacts.exists("sites/" + projectId + "/" + v2 + "/index.html")).isTrue();
    }

    @Test
    void a_build_whose_branch_preview_cannot_be_pointed_keeps_its_files() throws Exception {
        failingHost = "main--site.localhost";
        String v1 = deploy();

        assertThat(status(v1)).isEqualTo("READY");
        assertThat(artifacts.exists("sites/" + projectId + "/" + v1 + "/index.html")).isTrue();
        assertThat(files.get(SITE).orElseThrow().deploymentId()).as("it went live before the branch host failed").isEqualTo(v1);
        assertThat(logText(v1)).contains("the preview URL of branch main could not be updated").contains("ServiceUnavailable")
                .doesNotContain("build failed");
    }

    @Test
    void a_failed_cache_purge_neither_fails_nor_half_does_a_promote() throws Exception {
        String v1 = deploy();
        repo.write("index.html", "<h1>v2</h1>").commit("v2");
        String v2 = deploy();
        assertThat(files.get(SITE).orElseThrow().deploymentId()).isEqualTo(v2);

        purgeFails = true;
        Response rollback = raw("POST", "/api/v1/deployments/" + v1 + "/promote", null);

        assertThat(rollback.status()).isEqualTo(200);
        assertThat(files.get(SITE).orElseThrow().deploymentId()).isEqualTo(v1);
        assertThat(call("GET", "/api/v1/projects/" + projectId, null).get("liveDeploymentId").asText())
                .as("the database says what the edge serves").isEqualTo(v1);
        // A rollback turns auto-publish off (the next push must not undo it); turned on again, v3 goes live.
        assertThat(call("GET", "/api/v1/projects/" + projectId, null).get("autoPublish").asBoolean()).isFalse();
        call("PATCH", "/api/v1/projects/" + projectId, Map.of("autoPublish", true));
        repo.write("index.html", "<h1>v3</h1>").commit("v3");
        String v3 = deploy();
        assertThat(status(v3)).isEqualTo("READY");
        assertThat(files.get(SITE).orElseThrow().deploymentId()).isEqualTo(v3);
    }

    private String deploy() throws Exception {
        String id = call("POST", "/api/v1/projects/" + projectId + "/deployments", Map.of()).get("id").asText();
        DeploymentStatus result = builder.build(id);
        assertThat(result).isEqualTo(DeploymentStatus.valueOf(status(id)));
        return id;
    }

    private String status(String deploymentId) {
        return call("GET", "/api/v1/deployments/" + deploymentId, null).get("status").asText();
    }

    private String logText(String deploymentId) {
        return new String(raw("GET", "/api/v1/deployments/" + deploymentId + "/logs", null).body(), StandardCharsets.UTF_8);
    }

    private JsonNode call(String method, String path, Object body) {
        Response r = raw(method, path, body);
        assertThat(r.status() / 100).as("%s %s: %s", method, path, new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(2);
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private Response raw(String method, String path, Object body) {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        if (token != null) {
            headers.put("Authorization", List.of("Bearer " + token));
        }
        byte[] bytes = body == null ? new byte[0] : Json.writeString(body).getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            headers.put("Content-Type", List.of("application/json"));
        }
        return api.handle(new SimpleRequest(method, path, headers, bytes));
    }
}
