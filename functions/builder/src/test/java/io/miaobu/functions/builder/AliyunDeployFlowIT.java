package io.miaobu.functions.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.edge.FileManifest;
import io.miaobu.edge.RouteKeys;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.GitRepos;
import io.miaobu.testkit.TestPostgres;
import io.miaobu.testkit.aliyun.FakeCdn;
import io.miaobu.testkit.aliyun.FakeEventBridge;
import io.miaobu.testkit.aliyun.FakeEsa;
import io.miaobu.testkit.aliyun.FakeMns;
import io.miaobu.testkit.aliyun.FakeOss;
import io.miaobu.testkit.aliyun.MnsEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's deploy flow once more, on the production adapters: the packaged api and builder
 * functions, started as FC starts them, with MIAOBU_OSS_BUCKET and MIAOBU_MNS_QUEUE pointing at
 * {@link FakeOss} and {@link FakeMns} (which check every signature and STS token), and the build job
 * travelling api -> MNS -> EventBridge ({@link FakeEventBridge}) -> the builder's {@code POST /invoke}.
 * The build is real: JGit clones a real repository and npm runs its build script.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AliyunDeployFlowIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "miaobu-sites";
    private static final String QUEUE = "miaobu-builds";
    private static final AliyunCredentials FC_ROLE = new AliyunCredentials(FunctionProcess.ACCESS_KEY_ID,
            FunctionProcess.ACCESS_KEY_SECRET, Optional.of(FunctionProcess.SECURITY_TOKEN));
    /** A large asset that does not change between builds: a redeploy must not upload it again. */
    private static final int ASSET_BYTES = 300 * 1024;

    @TempDir
    static Path work;

    private static FakeOss oss;
    private static FakeMns mns;
    private static FakeEventBridge bridge;
    private static FunctionProcess api;
    private static FunctionProcess builder;
    private static GitRepos repo;
    private static String token;
    private static String projectId;
    private static String firstDeployment;

    private static final String KV_NAMESPACE = "miaobu_routes";
    private static final String SITE_HOST = "aliyun-flow.localhost";
    private static FakeEsa esa;
    private static FakeCdn cdn;

    /**
     * Route entries go to the fake ESA's edge KV, and promotes purge its cache and CDN's (MIAOBU_CDN_PURGE=on),
     * all signed with the FC role's STS.
     */
    static Map<String, String> edgeEnvironment() {
        return Map.of("MIAOBU_ESA_KV_NAMESPACE", KV_NAMESPACE, "MIAOBU_ESA_SITE_ID", esa.siteId(),
                "MIAOBU_ESA_ENDPOINT", esa.endpoint(), "MIAOBU_CDN_PURGE", "on", "MIAOBU_CDN_ENDPOINT", cdn.endpoint());
    }

    private static String liveDeploymentAtTheEdge() throws IOException {
        String entry = esa.kvValue(KV_NAMESPACE, RouteKeys.encode(SITE_HOST)).orElseThrow(
                () -> new AssertionError("no edge KV entry for " + SITE_HOST + ": " + esa.kvEntries(KV_NAMESPACE).keySet()));
        return JSON.readTree(entry).path("deploymentId").asText();
    }

    @BeforeAll
    static void start() throws IOException {
        oss = FakeOss.start(BUCKET, FC_ROLE);
        mns = FakeMns.start(FC_ROLE).createQueue(QUEUE, Duration.ofMinutes(30));
        esa = new FakeEsa(FC_ROLE, "7096621098").createNamespace(KV_NAMESPACE);
        cdn = new FakeCdn(FC_ROLE);
        repo = GitRepos.create(work.resolve("site"))
                .write("package.json", "{\"name\":\"aliyun-site\",\"scripts\":{\"build\":\"node build.js\"}}\n")
                .write("build.js", String.join("\n",
                        "const fs = require('fs');",
                        "fs.mkdirSync('dist/assets', { recursive: true });",
                        "fs.writeFileSync('dist/index.html', '<h1>Built ' + process.env.MIAOBU_DEPLOYMENT_ID + '</h1>\\n');",
                        "fs.writeFileSync('dist/about.html', '<h1>About</h1>\\n');",
                        "fs.writeFileSync('dist/assets/app.js', 'x'.repeat(" + ASSET_BYTES + "));",
                        "console.log('wrote dist');",
                        "setTimeout(() => console.log('build finished'), 1500);",
                        ""));
        repo.commit("Initial site");

        String databaseUrl = TestPostgres.migratedDatabase();
        String secretKey = FunctionProcess.randomSecretKey();
        Path dataDir = Files.createDirectories(work.resolve("data"));
        Map<String, String> env = new HashMap<>(Map.of(
                "MIAOBU_ALLOW_LOCAL_REPOSITORIES", "true",
                "MIAOBU_ALIYUN_REGION", "cn-hangzhou",
                "MIAOBU_ALIYUN_ACCOUNT_ID", MnsEvents.ACCOUNT,
                "MIAOBU_OSS_BUCKET", BUCKET,
                "MIAOBU_OSS_ENDPOINT", oss.endpoint(),
                "MIAOBU_MNS_QUEUE", QUEUE,
                "MIAOBU_MNS_ENDPOINT", mns.endpoint()));
        env.putAll(edgeEnvironment());
        api = launch("api", databaseUrl, secretKey, dataDir, env);
        assertThat(api.send("GET", "/api/v1/health", Map.of()).statusCode()).isEqualTo(200);
        builder = launch("builder", databaseUrl, secretKey, dataDir, env);
        bridge = new FakeEventBridge(mns, QUEUE, Duration.ofMinutes(30),
                event -> builder.send("POST", "/invoke", Map.of("content-type", "application/octet-stream"), event).statusCode());

        HttpResponse<String> registered = api.send("POST", "/api/v1/auth/register", Map.of("content-type", "application/json"),
                "{\"email\":\"aliyun-flow@example.com\",\"password\":\"correct horse battery staple\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        token = JSON.readTree(registered.body()).path("token").asText();
        ObjectNode project = JSON.createObjectNode().put("name", "Aliyun Flow").put("gitUrl", repo.path().toString());
        HttpResponse<String> created = api.send("POST", "/api/v1/projects", auth(), JSON.writeValueAsString(project));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        projectId = JSON.readTree(created.body()).path("id").asText();
    }

    private static FunctionProcess launch(String name, String databaseUrl, String secretKey, Path dataDir, Map<String, String> env) {
        FunctionProcess.Launcher launcher = FunctionProcess.launcher(name).databaseUrl(databaseUrl).secretKey(secretKey).dataDir(dataDir);
        env.forEach(launcher::env);
        return launcher.start();
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
        for (FunctionProcess p : new FunctionProcess[] {builder, api}) {
            if (p != null) {
                p.close();
            }
        }
        if (oss != null) {
            oss.close();
        }
        if (mns != null) {
            mns.close();
        }
        if (esa != null) {
            esa.close();
        }
        if (cdn != null) {
            cdn.close();
        }
    }

    @Test
    @Order(1)
    void a_deployment_travels_through_mns_to_the_builder_and_lands_in_oss() throws Exception {
        String id = createDeployment();
        assertThat(mns.calls()).contains("SendMessage " + QUEUE);
        assertThat(mns.messages(QUEUE)).hasSize(1);

        assertThat(bridge.deliverVisible()).isEqualTo(1);
        printFigures("first deploy", id);

        JsonNode ready = deployment(id);
        assertThat(ready.path("status").asText()).as(ready + "\n" + builder.output()).isEqualTo("READY");
        assertThat(ready.path("live").asBoolean()).isTrue();
        assertThat(bridge.deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(200);
            assertThat(d.dequeueCount()).isEqualTo(1);
        });
        assertThat(mns.messages(QUEUE)).as("acknowledged jobs are deleted").isEmpty();

        String prefix = "sites/" + projectId + "/" + id + "/";
        assertThat(oss.keys(prefix)).containsExactlyInAnyOrder(prefix + "about.html", prefix + "assets/app.js", prefix + "index.html");
        FakeOss.StoredObject index = oss.object(prefix + "index.html").orElseThrow();
        assertThat(new String(index.content(), StandardCharsets.UTF_8)).isEqualTo("<h1>Built " + id + "</h1>\n");
        assertThat(index.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(index.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        assertThat(oss.object(prefix + "assets/app.js").orElseThrow().content()).hasSize(ASSET_BYTES);
        assertThat(oss.rejected()).isEmpty();
        assertThat(mns.rejected()).isEmpty();
        // Live at the edge: the project's host in edge KV names this deployment, and its cache was purged.
        assertThat(liveDeploymentAtTheEdge()).isEqualTo(id);
        assertThat(esa.kvValue(KV_NAMESPACE, RouteKeys.encode(id + "--aliyun-flow.localhost"))).isPresent();
        // Beside it, the deployment's file list the edge routine decides from (it never probes the bucket).
        assertThat(esa.kvValue(KV_NAMESPACE, FileManifest.key(id)).orElseThrow()).contains("\"index.html\"", "\"assets/app.js\"");
        assertThat(esa.purges()).anySatisfy(p -> assertThat(p.items()).contains(SITE_HOST));
        assertThat(cdn.refreshes()).as("the builder refreshes CDN too").anySatisfy(r -> assertThat(r.paths()).contains("https://" + SITE_HOST + "/"));
        firstDeployment = id;
    }

    @Test
    @Order(2)
    void a_redeploy_uploads_only_changed_content_and_copies_the_rest_inside_oss() throws Exception {
        oss.clearCalls();
        String id = createDeployment();
        assertThat(bridge.deliverVisible()).isEqualTo(1);
        assertThat(deployment(id).path("status").asText()).isEqualTo("READY");

        List<FakeOss.Call> calls = printFigures("redeploy", id);
        long uploadedBytes = calls.stream().filter(c -> c.key().startsWith("sites/"))
                .filter(c -> c.operation().equals("PutObject") || c.operation().equals("UploadPart"))
                .mapToLong(FakeOss.Call::bodyBytes).sum();
        long puts = calls.stream().filter(c -> c.operation().equals("PutObject") && c.key().startsWith("sites/")).count();
        long copies = calls.stream().filter(c -> c.operation().equals("CopyObject")).count();

        // Only index.html changed (it names the deployment); about.html and the 300 KiB asset are server-side copies.
        assertThat(puts).isEqualTo(1);
        assertThat(copies).isEqualTo(3);
        assertThat(uploadedBytes).isLessThan(ASSET_BYTES);
        JsonNode stats = deployment(id).path("stats");
        assertThat(stats.path("files").asInt()).isEqualTo(3);
        assertThat(stats.path("uploadedFiles").asInt()).isEqualTo(1);
        String prefix = "sites/" + projectId + "/" + id + "/";
        assertThat(oss.object(prefix + "assets/app.js").orElseThrow().content()).hasSize(ASSET_BYTES);
        assertThat(oss.object(prefix + "assets/app.js").orElseThrow().contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(oss.keys("sites/" + projectId + "/" + firstDeployment + "/")).hasSize(3);
        assertThat(liveDeploymentAtTheEdge()).isEqualTo(id);
    }

    @Test
    @Order(3)
    void a_rollback_moves_the_edge_kv_entry_back_and_purges_the_host() throws Exception {
        String current = liveDeploymentAtTheEdge();
        assertThat(current).isNotEqualTo(firstDeployment);
        int purgesBefore = esa.purges().size();
        int refreshesBefore = cdn.refreshes().size();

        HttpResponse<String> promoted = api.send("POST", "/api/v1/deployments/" + firstDeployment + "/promote", auth());
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);

        assertThat(liveDeploymentAtTheEdge()).isEqualTo(firstDeployment);
        assertThat(esa.purges()).hasSizeGreaterThan(purgesBefore);
        assertThat(esa.purges().get(esa.purges().size() - 1).items()).contains(SITE_HOST);
        assertThat(cdn.refreshes()).as("the api refreshes CDN too").hasSizeGreaterThan(refreshesBefore);
    }

    @Test
    @Order(4)
    void the_build_log_streams_through_the_api_function_while_the_build_runs() throws Exception {
        String id = createDeployment();
        AtomicLong firstLineAt = new AtomicLong();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUri() + "/api/v1/deployments/" + id + "/logs/stream"))
                .timeout(Duration.ofMinutes(3));
        api.fcHeaders().forEach(request::header);
        request.header("authorization", "Bearer " + token);
        CompletableFuture<List<String>> stream = HttpClient.newHttpClient()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .thenApply(response -> {
                    try (Stream<String> lines = response.body()) {
                        return lines.peek(line -> {
                            if (line.startsWith("event: line")) {
                                firstLineAt.compareAndSet(0, System.nanoTime());
                            }
                        }).toList();
                    }
                });
        Thread.sleep(300); // the stream is open before the build starts

        CompletableFuture<Integer> delivery = CompletableFuture.supplyAsync(bridge::deliverVisible);
        assertThat(delivery.get(3, TimeUnit.MINUTES)).isEqualTo(1);
        long buildEndedAt = System.nanoTime();

        List<String> events = stream.get(1, TimeUnit.MINUTES);
        assertThat(String.join("\n", events)).contains("event: line", "build finished", "event: end", "\"status\":\"READY\"");
        // Lines arrive as they are written: the first one reached the client while the builder was still building.
        assertThat(firstLineAt.get()).isPositive().isLessThan(buildEndedAt - Duration.ofMillis(500).toNanos());
    }

    @Test
    @Order(5)
    void the_functions_log_one_json_object_per_line_with_the_fc_request_id() throws IOException {
        for (FunctionProcess p : new FunctionProcess[] {api, builder}) {
            List<String> lines = p.stdout().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                JsonNode entry = JSON.readTree(line);
                assertThat(entry.isObject()).as(line).isTrue();
                assertThat(entry.has("level") && entry.has("message") && entry.has("time")).as(line).isTrue();
            }
        }
        assertThat(builder.stdout().lines().map(this::json).filter(e -> e.hasNonNull("requestId"))).isNotEmpty();
        assertThat(api.output()).doesNotContain(FunctionProcess.ACCESS_KEY_SECRET).doesNotContain(FunctionProcess.SECURITY_TOKEN);
        assertThat(builder.output()).doesNotContain(FunctionProcess.ACCESS_KEY_SECRET).doesNotContain(FunctionProcess.SECURITY_TOKEN);
    }

    @Test
    @Order(6)
    void deleting_the_project_removes_its_objects_from_the_bucket() throws Exception {
        assertThat(oss.keys("sites/" + projectId + "/")).isNotEmpty();
        HttpResponse<String> deleted = api.send("DELETE", "/api/v1/projects/" + projectId, auth());
        assertThat(deleted.statusCode()).as(deleted.body() + "\n" + api.output()).isEqualTo(204);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!oss.keys("sites/" + projectId + "/").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(oss.keys("sites/" + projectId + "/")).isEmpty();
        assertThat(oss.calls().stream().map(FakeOss.Call::operation)).contains("DeleteObjects");
        assertThat(oss.rejected()).isEmpty();
        assertThat(esa.kvValue(KV_NAMESPACE, RouteKeys.encode(SITE_HOST))).as("the project's host leaves the edge").isEmpty();
        assertThat(esa.kvEntries(KV_NAMESPACE).keySet()).as("and so do its deployments' file lists")
                .noneMatch(k -> k.startsWith(FileManifest.KEY_PREFIX));
    }

    /** Prints what the deployment cost in OSS requests and bytes (site files; the build cache archive apart). */
    private static List<FakeOss.Call> printFigures(String what, String deploymentId) throws IOException {
        List<FakeOss.Call> calls = oss.calls();
        long siteBytes = calls.stream().filter(c -> c.key().startsWith("sites/")).mapToLong(FakeOss.Call::bodyBytes).sum();
        long cacheBytes = calls.stream().filter(c -> c.key().startsWith("cache/")).mapToLong(FakeOss.Call::bodyBytes).sum();
        var byOperation = new java.util.TreeMap<String, Long>();
        calls.forEach(c -> byOperation.merge(c.operation(), 1L, Long::sum));
        System.out.printf("[oss] %s of %s bytes in %s files: %d bytes of site files uploaded, %d bytes of build cache; requests %s%n",
                what, deployment(deploymentId).path("stats").path("bytes").asText(), deployment(deploymentId).path("stats").path("files").asText(),
                siteBytes, cacheBytes, byOperation);
        return calls;
    }

    private JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static String createDeployment() throws IOException {
        return ApiCalls.createDeployment(api, token, projectId);
    }

    private static JsonNode deployment(String id) throws IOException {
        return ApiCalls.deployment(api, token, id);
    }

    private static Map<String, String> auth() {
        return ApiCalls.auth(token);
    }
}
