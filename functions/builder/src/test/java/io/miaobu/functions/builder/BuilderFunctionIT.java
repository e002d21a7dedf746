package io.miaobu.functions.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.GitRepos;
import io.miaobu.testkit.TestPostgres;
import io.miaobu.testkit.aliyun.MnsEvents;
import io.miaobu.postgres.PostgresDatabase;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged builder function ({@code target/miaobu-builder.jar}) started as FC's custom runtime starts
 * it, fed MNS build jobs the way EventBridge delivers them ({@code POST /invoke}, CloudEvents envelope,
 * {@code application/octet-stream}). The deployments are created through the packaged api function on the
 * same database, secret key and data directory, as in production, and the build is real: JGit clones a
 * real repository and npm runs its build script.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuilderFunctionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> EVENT = Map.of("content-type", "application/octet-stream");

    @TempDir
    static Path work;

    private static Path dataDir;
    private static FunctionProcess api;
    private static FunctionProcess builder;
    private static GitRepos repo;
    private static String token;
    private static String projectId;
    private static String databaseUrl;
    private static String secretKey;

    @BeforeAll
    static void start() throws IOException {
        dataDir = Files.createDirectories(work.resolve("data"));
        repo = GitRepos.create(work.resolve("site"))
                .write("package.json", "{\"name\":\"x\",\"scripts\":{\"build\":\"node build.js\"}}\n")
                .write("build.js", String.join("\n",
                        "const fs = require('fs');",
                        "fs.mkdirSync('dist', { recursive: true });",
                        "fs.writeFileSync('dist/index.html', '<h1>Built ' + process.env.MIAOBU_DEPLOYMENT_ID + '</h1>\\n');",
                        "fs.writeFileSync('dist/env.txt', Object.keys(process.env).sort().join('\\n'));",
                        "console.log('wrote dist/index.html');",
                        ""));
        repo.commit("Initial site");

        databaseUrl = TestPostgres.migratedDatabase();
        secretKey = FunctionProcess.randomSecretKey();
        // The api first: it migrates the schema, so the two processes do not race to.
        api = FunctionProcess.launcher("api").databaseUrl(databaseUrl).secretKey(secretKey).dataDir(dataDir)
                .env("MIAOBU_ALLOW_LOCAL_REPOSITORIES", "true").start();
        assertThat(api.send("GET", "/api/v1/health", Map.of()).statusCode()).isEqualTo(200);
        builder = FunctionProcess.launcher("builder").databaseUrl(databaseUrl).secretKey(secretKey).dataDir(dataDir)
                .env("MIAOBU_ALLOW_LOCAL_REPOSITORIES", "true").start();

        HttpResponse<String> registered = api.send("POST", "/api/v1/auth/register", Map.of("content-type", "application/json"),
                "{\"email\":\"builder-it@example.com\",\"password\":\"correct horse battery staple\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        token = JSON.readTree(registered.body()).path("token").asText();

        ObjectNode project = JSON.createObjectNode().put("name", "Builder IT").put("gitUrl", repo.path().toString());
        HttpResponse<String> created = api.send("POST", "/api/v1/projects", auth(), JSON.writeValueAsString(project));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        projectId = JSON.readTree(created.body()).path("id").asText();
    }

    @AfterAll
    static void stop() {
        for (FunctionProcess p : new FunctionProcess[] {builder, api}) {
            if (p != null) {
                System.out.println(p.coldStartSummary());
                p.close();
            }
        }
    }

    @Test
    @Order(1)
    void aMessageWithAnUnreadableBodyIsAcknowledgedAsDropped() throws IOException {
        HttpResponse<String> response = invoke(envelope("msg-garbage", "this is not a build job {"));
        assertThat(response.statusCode()).as(response.body() + "\n" + builder.output()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-fc-status")).contains("200");
        JsonNode result = single(response);
        assertThat(result.path("messageId").asText()).isEqualTo("msg-garbage");
        assertThat(result.path("status").asText()).isEqualTo("DROPPED");

        // A JSON body without a deployment id is dropped too.
        JsonNode noId = single(invoke(envelope("msg-no-id", "{\"deployment\":\"d123\"}")));
        assertThat(noId.path("status").asText()).isEqualTo("DROPPED");
    }

    @Test
    @Order(2)
    void anEnvelopeWithoutAMessageBodyIsDroppedNotRetried() throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(envelope("msg-no-body", "x"));
        ((ObjectNode) event.path("data")).remove("messageBody");
        HttpResponse<String> response = invoke(JSON.writeValueAsString(event));
        assertThat(response.statusCode()).as(response.body() + "\n" + builder.output()).isEqualTo(200);
        assertThat(single(response).path("status").asText()).isEqualTo("DROPPED");
    }

    @Test
    @Order(3)
    void aBodyThatIsNotAnEventIsDroppedNotRetried() throws IOException {
        HttpResponse<String> response = invoke("definitely not json");
        assertThat(response.statusCode()).as(response.body() + "\n" + builder.output()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-fc-status")).contains("200");
        assertThat(single(response).path("status").asText()).isEqualTo("DROPPED");
    }

    @Test
    @Order(4)
    void anUnreadableMessageInABatchDoesNotHoldBackTheOthers() throws IOException {
        String deploymentId = createDeployment();
        ObjectNode noBody = (ObjectNode) JSON.readTree(envelope("msg-batch-bad", "x"));
        ((ObjectNode) noBody.path("data")).remove("messageBody");
        ArrayNode batch = JSON.createArrayNode()
                .add(noBody)
                .add(JSON.readTree(envelope("msg-batch-garbage", "garbage")))
                .add(JSON.readTree(envelope("msg-batch-good", "{\"deploymentId\":\"" + deploymentId + "\"}")));

        HttpResponse<String> response = invoke(JSON.writeValueAsString(batch));
        assertThat(response.statusCode()).as(response.body() + "\n" + builder.output()).isEqualTo(200);
        JsonNode results = JSON.readTree(response.body()).path("results");
        assertThat(results).hasSize(3);
        assertThat(results.get(0).path("status").asText()).isEqualTo("DROPPED");
        assertThat(results.get(1).path("status").asText()).isEqualTo("DROPPED");
        assertThat(results.get(2).path("deploymentId").asText()).isEqualTo(deploymentId);
        assertThat(results.get(2).path("status").asText()).isEqualTo("READY");
    }

    @Test
    @Order(5)
    void aJobAnotherBuilderIsRunningFailsTheInvocationUnderFcsEventContractSoEventBridgeRetriesIt() throws IOException {
        String deploymentId = createDeployment();
        setBuilding(deploymentId, "now()");

        HttpResponse<String> response = invoke(envelope("msg-running", "{\"deploymentId\":\"" + deploymentId + "\"}"));

        // FC's event handler contract: 404 with x-fc-status 404 is a failed invocation (any other status is off-contract).
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(response.headers().firstValue("x-fc-status")).contains("404");
        assertThat(single(response).path("status").asText()).isEqualTo("BUILDING");
        assertThat(deployment(deploymentId).path("status").asText()).isEqualTo("BUILDING");
    }

    @Test
    @Order(6)
    void aJobWhoseBuilderDiedLongAgoEndsFailedWithAReasonAndIsAcknowledged() throws IOException {
        String deploymentId = createDeployment();
        setBuilding(deploymentId, "now() - interval '3 hours'");

        HttpResponse<String> response = invoke(envelope("msg-dead-builder", "{\"deploymentId\":\"" + deploymentId + "\"}"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(single(response).path("status").asText()).isEqualTo("FAILED");
        JsonNode failed = deployment(deploymentId);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("error").asText()).contains("stopped responding");
    }

    @Test
    @Order(7)
    void aJobWhoseDeploymentIsGoneIsAcknowledged() throws IOException {
        HttpResponse<String> response = invoke(envelope("msg-gone", "{\"deploymentId\":\"d_no_such_deployment\"}"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(single(response).path("status").asText()).isEqualTo("CANCELED");
    }

    @Test
    @Order(8)
    void theBuilderKeepsIdleKeepAliveConnectionsLongerThanFcDoes() {
        // FC reuses keep-alive connections and expects the server to keep idle ones over 15 minutes (else a POST
        // /invoke on a connection the server closed gets a 502); the JDK server's default is 30 s. The builder's
        // container starts it with no JVM flags (build-image/entrypoint.sh), as this test does, so the function
        // must set the JDK's limit itself before its server starts. Read from the running function's JVM.
        String idle = builder.systemProperties().getProperty("sun.net.httpserver.idleInterval");
        assertThat(idle).as("sun.net.httpserver.idleInterval (seconds) in the builder's JVM").isNotNull();
        assertThat(Long.parseLong(idle)).isGreaterThan(15 * 60);
    }

    /** What a builder that claimed the deployment at {@code startedAt} (SQL) leaves behind. */
    private static void setBuilding(String deploymentId, String startedAt) {
        try (PostgresDatabase db = PostgresDatabase.connect(databaseUrl)) {
            db.jdbi().useHandle(h -> h.execute("UPDATE deployments SET status = 'BUILDING', started_at = " + startedAt
                    + " WHERE id = ?", deploymentId));
        }
    }

    @Test
    @Order(10)
    void buildsTheDeploymentNamedInAnMnsEventAndAcknowledgesARedeliveryWithoutRebuilding() throws IOException {
        String deploymentId = createDeployment();
        String messageId = messageId();
        String event = envelope(messageId, "{\"deploymentId\":\"" + deploymentId + "\"}");

        HttpResponse<String> response = invoke(event);
        assertThat(response.statusCode()).as(response.body() + "\n" + builder.output()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-fc-status")).contains("200");
        JsonNode result = single(response);
        assertThat(result.path("messageId").asText()).isEqualTo(messageId);
        assertThat(result.path("deploymentId").asText()).isEqualTo(deploymentId);
        assertThat(result.path("status").asText()).as(logs(deploymentId).toString()).isEqualTo("READY");

        JsonNode deployment = deployment(deploymentId);
        assertThat(deployment.path("status").asText()).isEqualTo("READY");
        assertThat(deployment.path("live").asBoolean()).isTrue();
        assertThat(deployment.path("commit").asText()).isEqualTo(repo.head());
        Path index = artifact(deploymentId, "index.html");
        assertThat(index).exists();
        assertThat(Files.readString(index)).isEqualTo("<h1>Built " + deploymentId + "</h1>\n");
        JsonNode project = JSON.readTree(api.send("GET", "/api/v1/projects/" + projectId, auth()).body());
        assertThat(project.path("liveDeploymentId").asText()).isEqualTo(deploymentId);

        // The build saw none of the platform's settings or credentials.
        String buildEnv = Files.readString(artifact(deploymentId, "env.txt"));
        assertThat(buildEnv.lines()).contains("MIAOBU_DEPLOYMENT_ID", "PATH", "HOME")
                .doesNotContain("MIAOBU_DATABASE_URL", "MIAOBU_SECRET_KEY", "MIAOBU_DATA_DIR", "FC_CUSTOM_LISTEN_PORT");

        JsonNode logs = logs(deploymentId);
        int lines = logs.path("lines").size();
        assertThat(lines).isPositive();
        assertThat(logs.toString()).contains("wrote dist/index.html");
        long builtAt = Files.getLastModifiedTime(index).toMillis();

        // EventBridge delivers at least once: the same message again is acknowledged, not rebuilt.
        HttpResponse<String> again = invoke(event);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(single(again).path("status").asText()).isEqualTo("READY");
        assertThat(logs(deploymentId).path("lines").size()).isEqualTo(lines);
        assertThat(Files.getLastModifiedTime(index).toMillis()).isEqualTo(builtAt);
        assertThat(deployment(deploymentId).path("status").asText()).isEqualTo("READY");
    }

    @Test
    @Order(11)
    void buildsEveryMessageOfABatch() throws IOException {
        String first = createDeployment();
        String second = createDeployment();
        ArrayNode batch = JSON.createArrayNode()
                .add(JSON.readTree(envelope("msg-batch-1", "{\"deploymentId\":\"" + first + "\"}")))
                .add(JSON.readTree(envelope("msg-batch-2", "{\"deploymentId\":\"" + second + "\"}")));

        HttpResponse<String> response = invoke(JSON.writeValueAsString(batch));
        assertThat(response.statusCode()).as(response.body() + "\n" + builder.output()).isEqualTo(200);
        JsonNode results = JSON.readTree(response.body()).path("results");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).path("messageId").asText()).isEqualTo("msg-batch-1");
        assertThat(results.get(0).path("deploymentId").asText()).isEqualTo(first);
        assertThat(results.get(0).path("status").asText()).isEqualTo("READY");
        assertThat(results.get(1).path("messageId").asText()).isEqualTo("msg-batch-2");
        assertThat(results.get(1).path("deploymentId").asText()).isEqualTo(second);
        assertThat(results.get(1).path("status").asText()).isEqualTo("READY");

        for (String id : new String[] {first, second}) {
            assertThat(deployment(id).path("status").asText()).isEqualTo("READY");
            assertThat(Files.readString(artifact(id, "index.html"))).isEqualTo("<h1>Built " + id + "</h1>\n");
        }
        assertThat(deployment(second).path("live").asBoolean()).isTrue();
        assertThat(deployment(first).path("live").asBoolean()).isFalse();
    }

    @Test
    @Order(12)
    void aBase64EncodedMessageBodyIsDecoded() throws IOException {
        // With IsBase64Decode off, EventBridge passes the MNS body through still base64-encoded.
        String deploymentId = createDeployment();
        String encoded = Base64.getEncoder().encodeToString(
                ("{\"deploymentId\":\"" + deploymentId + "\"}").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = invoke(envelope("msg-base64", encoded));
        assertThat(response.statusCode()).as(response.body() + "\n" + builder.output()).isEqualTo(200);
        JsonNode result = single(response);
        assertThat(result.path("deploymentId").asText()).isEqualTo(deploymentId);
        assertThat(result.path("status").asText()).isEqualTo("READY");
        assertThat(artifact(deploymentId, "index.html")).exists();
    }

    /**
     * FC reuses an instance for the next invocation, maybe another tenant's build: a process build 1 detached
     * (setsid, nohup) and the files it left in the shared /tmp are gone when the builder answers, with
     * namespaces (this builder) and without (a builder told to use a uid alone, as where FC forbids them).
     */
    @Test
    @Order(20)
    void whatABuildLeavesRunningIsGoneBeforeTheBuilderAnswers() throws IOException {
        assertInstanceCleanAfterBuild(builder, "build sandbox: in its own namespaces");
    }

    @Test
    @Order(21)
    void withoutNamespacesWhatABuildLeavesRunningIsGoneBeforeTheBuilderAnswers() throws IOException {
        try (FunctionProcess uidOnly = FunctionProcess.launcher("builder").databaseUrl(databaseUrl).secretKey(secretKey)
                .dataDir(dataDir).env("MIAOBU_ALLOW_LOCAL_REPOSITORIES", "true").env("MIAOBU_BUILD_SANDBOX", "uid").start()) {
            assertInstanceCleanAfterBuild(uidOnly, "without namespaces");
        }
    }

    private static void assertInstanceCleanAfterBuild(FunctionProcess instance, String mode) throws IOException {
        String marker = "lingering-" + UUID.randomUUID();
        Path leftFile = Path.of("/tmp", marker + ".txt");
        GitRepos hostile = GitRepos.create(work.resolve(marker))
                .write("package.json", "{\"name\":\"linger\",\"scripts\":{\"build\":\"sh build.sh\"}}\n")
                .write("build.sh", String.join("\n",
                        "setsid nohup sh -c 'while true; do sleep 1; done' " + marker + " >/dev/null 2>&1 </dev/null &",
                        "echo left > " + leftFile,
                        "mkdir -p dist && echo ok > dist/index.html",
                        ""));
        hostile.commit("leaves a process behind");
        ObjectNode body = JSON.createObjectNode().put("name", marker).put("gitUrl", hostile.path().toString());
        HttpResponse<String> created = api.send("POST", "/api/v1/projects", auth(), JSON.writeValueAsString(body));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String hostileProject = JSON.readTree(created.body()).path("id").asText();
        String first = ApiCalls.createDeployment(api, token, hostileProject);

        HttpResponse<String> response = instance.send("POST", "/invoke", EVENT, envelope(messageId(), "{\"deploymentId\":\"" + first + "\"}"));

        assertThat(single(response).path("status").asText()).as(logs(first).toString() + instance.output()).isEqualTo("READY");
        assertThat(instance.output()).as("the sandbox mode the builder logs at start").contains(mode);
        assertThat(processesWith(marker)).as("processes of build 1 alive after the builder answered").isEmpty();
        assertThat(leftFile).as("a file build 1 left in /tmp").doesNotExist();
        String second = createDeployment();
        assertThat(single(instance.send("POST", "/invoke", EVENT, envelope(messageId(), "{\"deploymentId\":\"" + second + "\"}")))
                .path("status").asText()).isEqualTo("READY");
    }

    private static java.util.List<Long> processesWith(String marker) throws IOException {
        java.util.List<Long> found = new java.util.ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                try {
                    if (p.getFileName().toString().matches("\\d+") && new String(Files.readAllBytes(p.resolve("cmdline"))).contains(marker)) {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }

    /** serverless.yaml routes POST /api/v1/detect and /api/v1/import/check here: the builder alone carries JGit. */
    @Test
    @Order(90)
    void theBuilderAnswersTheImportScreensDetectionAndNoOtherApiRoute() throws IOException {
        ObjectNode request = JSON.createObjectNode().put("gitUrl", repo.path().toString());
        HttpResponse<String> detected = builder.send("POST", "/api/v1/detect", auth(), JSON.writeValueAsString(request));
        assertThat(detected.statusCode()).as(detected.body() + "\n" + builder.output()).isEqualTo(200);
        assertThat(JSON.readTree(detected.body()).path("buildCommand").asText()).contains("build");
        // The rest of the API is the api function's; the builder, which enqueues nothing, does not serve it.
        assertThat(builder.send("GET", "/api/v1/projects", auth()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(100)
    void stsCredentialsNeverAppearInTheOutput() {
        for (FunctionProcess p : new FunctionProcess[] {builder, api}) {
            assertThat(p.output()).doesNotContain(FunctionProcess.ACCESS_KEY_ID)
                    .doesNotContain(FunctionProcess.ACCESS_KEY_SECRET)
                    .doesNotContain(FunctionProcess.SECURITY_TOKEN);
        }
    }

    private static HttpResponse<String> invoke(String event) {
        return builder.send("POST", "/invoke", EVENT, event);
    }

    private static JsonNode single(HttpResponse<String> response) throws IOException {
        JsonNode results = JSON.readTree(response.body()).path("results");
        assertThat(results).as(response.body()).hasSize(1);
        return results.get(0);
    }

    private static String createDeployment() throws IOException {
        return ApiCalls.createDeployment(api, token, projectId);
    }

    private static JsonNode deployment(String id) throws IOException {
        return ApiCalls.deployment(api, token, id);
    }

    private static JsonNode logs(String id) throws IOException {
        HttpResponse<String> response = api.send("GET", "/api/v1/deployments/" + id + "/logs", auth());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static Path artifact(String deploymentId, String file) {
        return dataDir.resolve("artifacts").resolve("sites").resolve(projectId).resolve(deploymentId).resolve(file);
    }

    private static Map<String, String> auth() {
        return ApiCalls.auth(token);
    }

    private static String messageId() {
        return UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
    }

    /** An MNS queue message as EventBridge delivers it to FC in the CloudEvents schema. */
    private static String envelope(String messageId, String messageBody) throws IOException {
        return JSON.writeValueAsString(MnsEvents.envelope("miaobu-builds", messageId, messageBody));
    }
}
