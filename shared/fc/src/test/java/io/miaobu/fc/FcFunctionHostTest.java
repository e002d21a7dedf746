package io.miaobu.fc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AcsRoaClient;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.SecretKeys;
import io.miaobu.deploy.Deployment;
import io.miaobu.dynamic.EdgeTokens;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.json.Json;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.projects.Project;
import io.miaobu.testkit.StoreFixtures;
import io.miaobu.testkit.aliyun.FakeFc;
import io.miaobu.testkit.aliyun.RamChecks;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FC function host against a fake FC 3.0 API that checks every request's V3 signature and refuses what
 * the FC documentation refuses; its HTTP triggers answer like a function would be reached, so the tests
 * send requests the way the edge does.
 */
class FcFunctionHostTest {
    static final AliyunCredentials BUILDER = new AliyunCredentials("STS.builder", "builder-secret", Optional.of("sts-token"));
    static final SecretKeys KEYS = SecretKeys.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));
    static final String NODE_LAYER = "acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/1";
    static final String PYTHON_LAYER = "acs:fc:cn-hangzhou:official:layers/Python310/versions/1";

    @TempDir Path tmp;
    FakeFc fc;
    FcFunctionHost host;
    DiskArtifactStore bucket;
    Project project = StoreFixtures.project("u1", Instant.now());
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        fc = new FakeFc(BUILDER);
        bucket = new DiskArtifactStore(tmp.resolve("bucket"));
        host = host(10, 512);
    }

    FcFunctionHost host(int timeout, int memory) throws IOException {
        Path runtimes = tmp.resolve("runtimes");
        Files.createDirectories(runtimes.resolve("node"));
        Files.createDirectories(runtimes.resolve("python"));
        Files.writeString(runtimes.resolve("node/server.mjs"), "// the node runtime\n");
        Files.writeString(runtimes.resolve("python/server.py"), "# the python runtime\n");
        // Retries as in production, without the production backoff's waits.
        return new FcFunctionHost(new AcsRoaClient("FC", fc.endpoint(), FakeFc.VERSION, () -> BUILDER, Clock.systemUTC(), 3, Duration.ofMillis(1)),
                Optional.of(new FcFunctionHost.CodeBucket("miaobu-sites", bucket)), new EdgeTokens(KEYS),
                new FcFunctionHost.Options("miaobu", timeout, memory, Map.of("node", NODE_LAYER, "python", PYTHON_LAYER), runtimes));
    }

    @AfterEach
    void stop() {
        fc.close();
    }

    Deployment deployment() {
        return StoreFixtures.deployment(project.id(), Instant.now());
    }

    Path bundle(FunctionManifest manifest) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "bundle");
        for (FunctionManifest.Function f : manifest.functions()) {
            Path entry = dir.resolve(f.entry());
            Files.createDirectories(entry.getParent());
            Files.writeString(entry, "export default () => new Response('" + f.name() + "')\n");
        }
        manifest.write(dir);
        return dir;
    }

    static FunctionManifest nodeAndPython() {
        return new FunctionManifest(1, List.of(
                new FunctionManifest.Function("api/hello", "/api/hello", "api/hello.ts", "node", "node/api/hello.mjs"),
                new FunctionManifest.Function("api/echo", "/api/echo", "api/echo.py", "python", "python/app/api/echo.py")), null);
    }

    static FunctionManifest nodeOnly() {
        return new FunctionManifest(1, List.of(
                new FunctionManifest.Function("api/hello", "/api/hello", "api/hello.ts", "node", "node/api/hello.mjs")), null);
    }

    /** What the edge does with a backend: the user info becomes x-miaobu-edge-token, the rest is where it sends the request. */
    HttpResponse<String> viaEdge(String backend, String method, String target) throws Exception {
        URI uri = URI.create(backend);
        String token = uri.getRawUserInfo().split(":", 2)[1];
        URI to = URI.create(uri.getScheme() + "://" + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1)
                + uri.getRawPath() + target);
        return http.send(HttpRequest.newBuilder(to).method(method, HttpRequest.BodyPublishers.ofString("payload"))
                .header("x-miaobu-edge-token", token).header("x-miaobu-function", "api/hello").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachRuntimeOfADeploymentGetsItsOwnPublishedFunctionReachableThroughItsTrigger() throws Exception {
        Deployment d = deployment();
        Map<String, String> backends = host.deploy(project, d, bundle(nodeAndPython()), nodeAndPython(), Map.of("GREETING", "hi"));

        assertThat(backends).containsOnlyKeys("node", "python");
        assertThat(fc.functionNames()).containsExactlyInAnyOrder("miaobu-" + d.id() + "-node", "miaobu-" + d.id() + "-python");
        for (String runtime : List.of("node", "python")) {
            String name = "miaobu-" + d.id() + "-" + runtime;
            assertThat(fc.versions(name)).containsExactly("1");
            assertThat(fc.triggers(name)).singleElement().satisfies(t -> {
                assertThat(t.get("qualifier")).isEqualTo("1");
                assertThat(Json.MAPPER.readTree((String) t.get("triggerConfig")).path("authType").asText()).isEqualTo("anonymous");
            });
            assertThat(backends.get(runtime)).startsWith("http://edge:" + new EdgeTokens(KEYS).forDeployment(d.id()) + "@127.0.0.1:");

            HttpResponse<String> answer = viaEdge(backends.get(runtime), "POST", "/api/hello?x=1");
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode seen = Json.MAPPER.readTree(answer.body());
            assertThat(seen.path("functionName").asText()).isEqualTo(name);
            assertThat(seen.path("versionId").asText()).isEqualTo("1");
            assertThat(seen.path("target").asText()).isEqualTo("/api/hello?x=1");
            assertThat(seen.path("body").asText()).isEqualTo("payload");
            assertThat(seen.path("headers").path("x-miaobu-edge-token").asText())
                    .isEqualTo(seen.path("environmentVariables").path("MIAOBU_EDGE_TOKEN").asText());
        }
    }

    /** A stand-in for runtimes/node/server.mjs keeping its contract (§2): FC's port, the edge token checked, then removed. */
    static final String RUNTIME = """
            import http from 'node:http';
            const token = process.env.MIAOBU_EDGE_TOKEN;
            delete process.env.MIAOBU_EDGE_TOKEN;
            http.createServer((req, res) => {
              if (!token || req.headers['x-miaobu-edge-token'] !== token) { res.writeHead(403); res.end('forbidden'); return; }
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ url: req.url, fn: req.headers['x-miaobu-function'], key: process.env.API_KEY,
                tokenInEnv: 'MIAOBU_EDGE_TOKEN' in process.env, cwd: process.cwd() }));
            }).listen(Number(process.env.FC_CUSTOM_LISTEN_PORT || process.env.PORT), '0.0.0.0',
              () => console.log('miaobu-runtime listening on ' + (process.env.FC_CUSTOM_LISTEN_PORT || process.env.PORT)));
            """;

    @Test
    void theDeployedPackageStartsWithItsBootstrapAndAnswersOnlyTheEdge() throws Exception {
        Files.writeString(tmp.resolve("runtimes/node/server.mjs"), RUNTIME);
        fc.runFunctions();
        Deployment d = deployment();
        String backend = host.deploy(project, d, bundle(nodeOnly()), nodeOnly(), Map.of("API_KEY", "k-123")).get("node");

        HttpResponse<String> viaEdge = viaEdge(backend, "GET", "/api/hello?x=1");
        assertThat(viaEdge.statusCode()).isEqualTo(200);
        JsonNode seen = Json.MAPPER.readTree(viaEdge.body());
        assertThat(seen.path("url").asText()).isEqualTo("/api/hello?x=1");
        assertThat(seen.path("fn").asText()).isEqualTo("api/hello");
        assertThat(seen.path("key").asText()).isEqualTo("k-123");
        assertThat(seen.path("tokenInEnv").asBoolean()).isFalse();

        URI trigger = URI.create(backend);
        URI bypass = URI.create(trigger.getScheme() + "://" + trigger.getHost() + ":" + trigger.getPort() + "/api/hello");
        assertThat(http.send(HttpRequest.newBuilder(bypass).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("a request that did not come through the edge").isEqualTo(403);
    }

    @Test
    void theFunctionRunsTheRuntimeServerOnTheCustomRuntimeWithTheLanguageLayerAndNoRole() throws Exception {
        Deployment d = deployment();
        host.deploy(project, d, bundle(nodeAndPython()), nodeAndPython(), Map.of());

        Map<String, Object> node = fc.function("miaobu-" + d.id() + "-node");
        assertThat(node.get("runtime")).isEqualTo("custom.debian10");
        assertThat(node.get("layers")).isEqualTo(List.of(NODE_LAYER));
        assertThat(node).doesNotContainKey("role");
        assertThat(node.get("timeout")).isEqualTo(10);
        assertThat(node.get("memorySize")).isEqualTo(512);
        @SuppressWarnings("unchecked")
        Map<String, Object> custom = (Map<String, Object>) node.get("customRuntimeConfig");
        assertThat(custom.get("port")).isEqualTo(9000);
        assertThat(String.join(" ", (List<String>) custom.get("command"))).contains("command -v node").endsWith("/code/runtimes/node/server.mjs /code");
        assertThat(fc.codeFiles("miaobu-" + d.id() + "-node")).containsOnlyKeys("functions.json", "node/api/hello.mjs", "runtimes/node/server.mjs");

        Map<String, Object> python = fc.function("miaobu-" + d.id() + "-python");
        assertThat(python.get("layers")).isEqualTo(List.of(PYTHON_LAYER));
        assertThat(fc.codeFiles("miaobu-" + d.id() + "-python"))
                .containsOnlyKeys("functions.json", "python/app/api/echo.py", "runtimes/python/server.py");
    }

    @Test
    void aPythonAppWithItsOwnStartCommandRunsThatCommandWithPort9000AndItsPackagesImportable() {
        FunctionManifest app = new FunctionManifest(1, List.of(),
                new FunctionManifest.App("python", "main:app", "asgi", "uvicorn main:app --port $PORT", List.of("static/"), "3.11"));
        assertThat(FcFunctionHost.bootstrap("python", app, "3.10")).isEqualTo("cd /code/python/app && export "
                + "PYTHONPATH=/code/python/packages:/code/python/app PATH=/code/python/packages/bin:$PATH && exec uvicorn main:app --port $PORT");
        assertThat(FcFunctionHost.bootstrap("python", nodeAndPython(), "3.12")).as("the layer's Python, not Debian's python3")
                .contains("command -v python3.12 ").endsWith("/code/runtimes/python/server.py /code");
    }

    @Test
    void aDeploymentWithoutFunctionsMakesNothingOnFunctionCompute() throws Exception {
        assertThat(host.deploy(project, deployment(), bundle(FunctionManifest.EMPTY), FunctionManifest.EMPTY, Map.of("A", "1"))).isEmpty();
        assertThat(fc.calls()).isEmpty();
    }

    @Test
    void theFunctionGetsTheDeploymentsVariablesAndItsTokenButNoPlatformCredential() throws Exception {
        Deployment d = deployment();
        host.deploy(project, d, bundle(nodeOnly()), nodeOnly(), Map.of("API_KEY", "user-value", "PORT", "1", "MIAOBU_EDGE_TOKEN", "forged"));

        @SuppressWarnings("unchecked")
        Map<String, String> env = (Map<String, String>) fc.function("miaobu-" + d.id() + "-node").get("environmentVariables");
        assertThat(env).containsEntry("API_KEY", "user-value").containsEntry("PORT", "9000")
                .containsEntry("MIAOBU_EDGE_TOKEN", new EdgeTokens(KEYS).forDeployment(d.id()));
        assertThat(env.keySet()).noneMatch(k -> k.startsWith("ALIBABA_CLOUD") || k.startsWith("MIAOBU_") && !k.equals("MIAOBU_EDGE_TOKEN"));
        assertThat(env.values()).noneMatch(v -> v.contains(BUILDER.accessKeySecret()) || v.contains(BUILDER.accessKeyId())
                || v.contains("sts-token"));
    }

    @Test
    void tokensDifferPerDeploymentSoOneDeploymentsTokenOpensNoOther() throws Exception {
        Deployment a = deployment();
        Deployment b = deployment();
        String backendA = host.deploy(project, a, bundle(nodeOnly()), nodeOnly(), Map.of()).get("node");
        String backendB = host.deploy(project, b, bundle(nodeOnly()), nodeOnly(), Map.of()).get("node");
        assertThat(URI.create(backendA).getUserInfo()).isNotEqualTo(URI.create(backendB).getUserInfo());
        assertThat(URI.create(backendA).getAuthority()).isNotEqualTo(URI.create(backendB).getAuthority());
    }

    @Test
    void variablesFunctionComputeRefusesFailTheDeployNamingThem() throws Exception {
        Deployment d = deployment();
        Path dir = bundle(nodeOnly());
        assertThatThrownBy(() -> host.deploy(project, d, dir, nodeOnly(), Map.of("FC_REGION", "x", "OK", "1")))
                .isInstanceOf(IOException.class).hasMessageContaining("FC_REGION").hasMessageContaining("FC_ prefix");
        assertThatThrownBy(() -> host.deploy(project, d, dir, nodeOnly(), Map.of("BIG", "x".repeat(5000))))
                .isInstanceOf(IOException.class).hasMessageContaining("4096");
        assertThat(fc.functionNames()).isEmpty();
    }

    @Test
    void aRetriedDeployReusesTheFunctionVersionAndTriggerItsFirstAttemptMade() throws Exception {
        Deployment d = deployment();
        Path dir = bundle(nodeOnly());
        String first = host.deploy(project, d, dir, nodeOnly(), Map.of("A", "1")).get("node");
        String second = host.deploy(project, d, dir, nodeOnly(), Map.of("A", "1")).get("node");

        String name = "miaobu-" + d.id() + "-node";
        assertThat(second).isEqualTo(first);
        assertThat(fc.versions(name)).containsExactly("1");
        assertThat(fc.triggers(name)).hasSize(1);
        assertThat(fc.calls("UpdateFunction")).hasSize(1);
    }

    @Test
    void aRetryWithChangedVariablesPublishesANewVersionAndTheUrlServesIt() throws Exception {
        Deployment d = deployment();
        Path dir = bundle(nodeOnly());
        host.deploy(project, d, dir, nodeOnly(), Map.of("A", "first"));
        String backend = host.deploy(project, d, dir, nodeOnly(), Map.of("A", "second")).get("node");

        assertThat(fc.versions("miaobu-" + d.id() + "-node")).containsExactly("1", "2");
        JsonNode seen = Json.MAPPER.readTree(viaEdge(backend, "GET", "/api/hello").body());
        assertThat(seen.path("versionId").asText()).isEqualTo("2");
        assertThat(seen.path("environmentVariables").path("A").asText()).isEqualTo("second");
    }

    @Test
    void aRetryAfterATransientFailureFinishesTheDeploy() throws Exception {
        Deployment d = deployment();
        fc.failNext("CreateTrigger", 1, 503, "ServiceUnavailable", "try again");
        String backend = host.deploy(project, d, bundle(nodeOnly()), nodeOnly(), Map.of()).get("node");
        assertThat(viaEdge(backend, "GET", "/api/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void theDeploymentsUrlKeepsServingItsPublishedCodeWhenSomeoneEditsTheFunction() throws Exception {
        Deployment d = deployment();
        String backend = host.deploy(project, d, bundle(nodeOnly()), nodeOnly(), Map.of("A", "original")).get("node");
        fc.tamper("miaobu-" + d.id() + "-node", "environmentVariables", Map.of("A", "changed"));

        JsonNode seen = Json.MAPPER.readTree(viaEdge(backend, "GET", "/api/hello").body());
        assertThat(seen.path("environmentVariables").path("A").asText()).isEqualTo("original");
    }

    @Test
    void aPackageTooBigToInlineIsUploadedToTheBucketAndDeletedWithTheDeployment() throws Exception {
        Deployment d = deployment();
        Path dir = bundle(nodeOnly());
        byte[] noise = new byte[(int) FcFunctionHost.INLINE_LIMIT + 1024];
        new Random(1).nextBytes(noise); // incompressible
        Files.write(dir.resolve("node/api/big.bin"), noise);
        host.deploy(project, d, dir, nodeOnly(), Map.of());

        String key = FcFunctionHost.codeKey(project.id(), d.id(), "node");
        assertThat(fc.codeObject("miaobu-" + d.id() + "-node")).isEqualTo("miaobu-sites/" + key);
        assertThat(bucket.exists(key)).isTrue();

        host.delete(d);
        assertThat(bucket.exists(key)).isFalse();
    }

    @Test
    void deleteRemovesTriggersAliasesVersionsAndFunctionsAndTheUrlStopsAnswering() throws Exception {
        Deployment d = deployment();
        Map<String, String> backends = host.deploy(project, d, bundle(nodeAndPython()), nodeAndPython(), Map.of());
        fc.alias("miaobu-" + d.id() + "-node", "prod", "1"); // an operator's alias, which FC says must go before its version

        host.delete(d);

        assertThat(fc.functionNames()).isEmpty();
        assertThatThrownBy(() -> viaEdge(backends.get("node"), "GET", "/api/hello")).isInstanceOf(IOException.class);
        assertThat(fc.calls("DeleteAlias")).hasSize(1);
    }

    @Test
    void deleteToleratesWhatIsAlreadyGoneAndNeverThrows() throws Exception {
        Deployment d = deployment();
        host.delete(d); // nothing was ever made
        host.deploy(project, d, bundle(nodeOnly()), nodeOnly(), Map.of());
        host.delete(d);
        host.delete(d);
        assertThat(fc.functionNames()).isEmpty();

        fc.failNext("*", 10, 500, "InternalError", "down");
        host.delete(deployment()); // logged, not thrown
    }

    @Test
    void anotherDeploymentsFunctionsSurviveADelete() throws Exception {
        Deployment keep = deployment();
        Deployment drop = deployment();
        String backend = host.deploy(project, keep, bundle(nodeOnly()), nodeOnly(), Map.of()).get("node");
        host.deploy(project, drop, bundle(nodeOnly()), nodeOnly(), Map.of());
        host.delete(drop);
        assertThat(fc.functionNames()).containsExactly("miaobu-" + keep.id() + "-node");
        assertThat(viaEdge(backend, "GET", "/api/hello").statusCode()).isEqualTo(200);
    }

    @Test
    void limitsFunctionComputeRefusesAreRefusedWhenTheHostIsConfigured() {
        assertThatThrownBy(() -> host(10, 500)).hasMessageContaining("MIAOBU_FUNCTION_MEMORY_MB").hasMessageContaining("multiple of 64");
        assertThatThrownBy(() -> host(0, 512)).hasMessageContaining("MIAOBU_FUNCTION_TIMEOUT_SECONDS");
    }

    @Test
    void aLongFunctionPrefixIsCutToFunctionComputesNameLength() throws IOException {
        FcFunctionHost longPrefix = new FcFunctionHost(new AcsRoaClient("FC", fc.endpoint(), FakeFc.VERSION, () -> BUILDER),
                Optional.empty(), new EdgeTokens(KEYS), new FcFunctionHost.Options("p".repeat(57), 10, 512, Map.of(), tmp));
        assertThat(longPrefix.functionName("d0123456789abcdef", "python")).hasSize(64).endsWith("-d0123456789abcdef-python");
    }

    @Test
    void everyOperationTheHostSendsIsInItsRamActions() throws Exception {
        Deployment d = deployment();
        host.deploy(project, d, bundle(nodeOnly()), nodeOnly(), Map.of());
        host.deploy(project, d, bundle(nodeOnly()), nodeOnly(), Map.of());
        fc.alias("miaobu-" + d.id() + "-node", "prod", "1");
        host.delete(d);
        RamChecks.assertDeclared(FcFunctionHost.RAM_ACTIONS, fc.calls().stream().map(c -> c.action()).toList());
    }

    @Test
    void requestsWithAWrongSignatureAreRefusedByTheFake() {
        FcFunctionHost forged = new FcFunctionHost(new AcsRoaClient("FC", fc.endpoint(), FakeFc.VERSION,
                () -> new AliyunCredentials(BUILDER.accessKeyId(), "wrong", BUILDER.securityToken())),
                Optional.empty(), new EdgeTokens(KEYS), new FcFunctionHost.Options("miaobu", 10, 512, Map.of(), tmp.resolve("runtimes")));
        assertThatThrownBy(() -> forged.deploy(project, deployment(), bundle(nodeOnly()), nodeOnly(), Map.of()))
                .hasMessageContaining("SignatureDoesNotMatch");
        assertThat(fc.functionNames()).isEmpty();
    }
}
