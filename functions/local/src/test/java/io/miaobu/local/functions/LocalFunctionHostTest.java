package io.miaobu.local.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.build.process.BuildSandboxes;
import io.miaobu.config.FunctionSettings;
import io.miaobu.config.SandboxSettings;
import io.miaobu.deploy.Deployment;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.json.Json;
import io.miaobu.projects.Project;
import io.miaobu.secrets.AesGcmSecrets;
import io.miaobu.testkit.StoreFixtures;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local host's function workers, driven through the function gateway as the local edge drives it, with
 * a stand-in runtime (test resources fake-runtimes/node/server.mjs) that follows the runtime contract: one
 * sandboxed worker per deployment and runtime, started by the first request, sharing nothing with the
 * platform or other deployments, stopped on time-outs, crashes, idleness, delete and shutdown.
 */
class LocalFunctionHostTest {
    static final FunctionManifest MANIFEST = new FunctionManifest(1, List.of(
            function("api/hello"), function("api/crash"), function("api/hang"), function("api/read"), function("api/stream")), null);

    @TempDir
    Path tmp;
    Path data;
    Path builds;
    final List<String> output = Collections.synchronizedList(new ArrayList<>());
    final HttpClient http = HttpClient.newHttpClient();
    final Project project = StoreFixtures.project("usr_1", StoreFixtures.now());
    LocalFunctionHost host;

    static FunctionManifest.Function function(String name) {
        return new FunctionManifest.Function(name, "/" + name, name + ".js", FunctionManifest.NODE, "node/" + name + ".mjs");
    }

    @BeforeEach
    void start() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        builds = Files.createDirectories(data.resolve("builds"));
        for (Path p : List.of(tmp, data, builds)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Files.writeString(data.resolve("postgres-superuser-password"), "the-database-password");
        host = start(Duration.ofSeconds(2), Duration.ofMinutes(5));
    }

    private LocalFunctionHost start(Duration timeout, Duration idle) throws Exception {
        BuildSandboxes sandboxes = BuildSandboxes.create(new SandboxSettings("auto", 2_000_000_500, 100, 256, 512, 600, 64),
                List.of(data));
        sandboxes.protectDataDirectory(data, builds);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path runtimes = Path.of(getClass().getResource("/fake-runtimes").toURI());
        return LocalFunctionHost.start(data, sandboxes, sandboxes.workspaceRoot(builds), new AesGcmSecrets(key),
                new FunctionSettings(timeout, 512, idle, java.util.Optional.of(runtimes)), "/usr/local/bin:/usr/bin:/bin",
                (deploymentId, stream, text) -> output.add(deploymentId + " " + stream + " " + text));
    }

    @AfterEach
    void stop() {
        host.close();
    }

    /** The folder the deployment's running worker has its files in. */
    private Path workspaceOf(Deployment d) throws Exception {
        try (var dirs = Files.list(builds)) {
            return dirs.filter(p -> p.getFileName().toString().matches("fn-" + d.id() + "-node-[0-9a-f]+")).findFirst().orElseThrow();
        }
    }

    /**
     * Processes on this machine whose command line names the deployment's worker folder (its runtime runs from
     * there); pids inside a worker's own PID namespace mean nothing out here.
     */
    static List<String> processesOf(Deployment d) throws Exception {
        String folder = "fn-" + d.id() + "-";
        List<String> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (p.getFileName().toString().matches("\\d+")) {
                    try {
                        String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                        if (cmdline.contains(folder)) {
                            found.add(p.getFileName() + " " + cmdline);
                        }
                    } catch (java.io.IOException gone) {
                        // ended meanwhile
                    }
                }
            }
        }
        return found;
    }

    private Deployment deploy(Map<String, String> env) throws Exception {
        Deployment d = StoreFixtures.deployment(project.id(), StoreFixtures.now());
        Path bundle = Files.createDirectories(tmp.resolve("bundle-" + d.id()));
        MANIFEST.write(bundle);
        Files.createDirectories(bundle.resolve("node/api"));
        Files.writeString(bundle.resolve("node/api/hello.mjs"), "export default () => new Response('hi')");
        Map<String, String> backends = host.deploy(project, d, bundle, MANIFEST, env);
        assertThat(backends).isEqualTo(Map.of("node", "local:" + d.id() + "/node"));
        return d;
    }

    private HttpResponse<String> call(Deployment d, String method, String path, String function, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(host.gatewayUrl() + "/" + d.id() + "/node" + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header(FunctionGateway.TOKEN_HEADER, host.gatewayToken())
                .header("x-miaobu-function", function)
                .header("x-miaobu-params", "{\"id\":\"42\"}")
                .header("x-forwarded-host", "shop.localhost:8080");
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode hello(Deployment d) throws Exception {
        HttpResponse<String> r = call(d, "POST", "/api/hello?x=1", "api/hello", "{\"a\":1}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void the_first_request_starts_a_worker_that_answers_with_the_request_and_the_deployments_variables_only() throws Exception {
        Deployment d = deploy(Map.of("GREETING", "hello", "PORT", "1"));
        assertThat(host.runningWorkers()).isZero();

        JsonNode answer = hello(d);

        assertThat(answer.get("function").asText()).isEqualTo("api/hello");
        assertThat(answer.get("method").asText()).isEqualTo("POST");
        assertThat(answer.get("path").asText()).isEqualTo("/api/hello?x=1");
        assertThat(answer.get("body").asText()).isEqualTo("{\"a\":1}");
        assertThat(answer.get("host").asText()).isEqualTo("shop.localhost:8080");
        assertThat(answer.get("params").get("id").asText()).isEqualTo("42");
        JsonNode env = answer.get("env");
        assertThat(env.get("GREETING").asText()).isEqualTo("hello");
        assertThat(env.get("PORT").asText()).isNotEqualTo("1"); // the platform's PORT wins
        assertThat(env.get("NODE_ENV").asText()).isEqualTo("production");
        List<String> names = new ArrayList<>();
        env.fieldNames().forEachRemaining(names::add);
        assertThat(names).noneMatch(n -> n.startsWith("MIAOBU_") || n.startsWith("JAVA") || n.equals("MAVEN_OPTS"));
        assertThat(answer.get("uid").asInt()).isNotZero();
        assertThat(host.runningWorkers()).isEqualTo(1);
        assertThat(hello(d).get("pid")).isEqualTo(answer.get("pid")); // warm: the same worker
        assertThat(output).contains(d.id() + " stdout hello from api/hello")
                .anyMatch(line -> line.startsWith(d.id() + " stdout miaobu-request POST /api/hello 200 "));
    }

    @Test
    void the_variables_are_stored_encrypted() throws Exception {
        Deployment d = deploy(Map.of("API_SECRET", "s3cr3t-value"));

        String stored = Files.readString(data.resolve("functions").resolve(d.id()).resolve("env"));

        assertThat(stored).doesNotContain("s3cr3t-value").doesNotContain("API_SECRET");
    }

    @Test
    void only_the_edge_reaches_the_gateway_and_only_the_gateway_reaches_the_worker() throws Exception {
        Deployment d = deploy(Map.of());
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(host.gatewayUrl() + "/" + d.id() + "/node/api/hello"))
                .header(FunctionGateway.TOKEN_HEADER, "guess").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);

        // The worker's port answers only requests with its own token (which the runtime removed from its environment).
        JsonNode env = hello(d).get("env");
        assertThat(env.has("MIAOBU_EDGE_TOKEN")).isFalse();
        String workerPort = env.get("PORT").asText();
        HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + workerPort + "/api/hello"))
                .header("x-miaobu-function", "api/hello").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode()).isEqualTo(403);
    }

    @Test
    void a_function_cannot_read_the_platforms_files_or_another_deployments_bundle() throws Exception {
        Deployment mine = deploy(Map.of());
        Deployment other = deploy(Map.of("OTHER_SECRET", "theirs"));
        hello(other); // its worker runs, with its files in its own workspace

        for (Path secret : List.of(data.resolve("postgres-superuser-password"),
                data.resolve("functions").resolve(other.id()).resolve("bundle").resolve(FunctionManifest.FILE),
                data.resolve("functions").resolve(other.id()).resolve("env"),
                workspaceOf(other).resolve("bundle").resolve(FunctionManifest.FILE))) {
            JsonNode r = Json.MAPPER.readTree(call(mine, "GET", "/api/read?path=" + URLEncoder.encode(secret.toString(),
                    StandardCharsets.UTF_8), "api/read", null).body());
            assertThat(r.has("read")).as(secret + " was readable: " + r).isFalse();
        }
        JsonNode own = Json.MAPPER.readTree(call(mine, "GET", "/api/read?path=" + URLEncoder.encode(
                workspaceOf(mine).resolve("bundle").resolve(FunctionManifest.FILE).toString(),
                StandardCharsets.UTF_8), "api/read", null).body());
        assertThat(own.get("read").asText()).contains("api/hello");
    }

    @Test
    void a_request_past_the_timeout_kills_its_worker_and_answers_504_and_the_next_request_gets_a_new_worker() throws Exception {
        Deployment d = deploy(Map.of());
        String firstPort = hello(d).get("env").get("PORT").asText();

        HttpResponse<String> late = call(d, "GET", "/api/hang", "api/hang", null);

        assertThat(late.statusCode()).isEqualTo(504);
        assertThat(late.headers().firstValue(FunctionGateway.ERROR_HEADER)).contains("timeout");
        assertThat(processesOf(d)).isEmpty();
        assertThat(hello(d).get("env").get("PORT").asText()).isNotEqualTo(firstPort);
    }

    @Test
    void a_crashed_worker_answers_502_logs_why_and_the_next_request_starts_a_new_one() throws Exception {
        Deployment d = deploy(Map.of());

        HttpResponse<String> crashed = call(d, "GET", "/api/crash", "api/crash", null);

        assertThat(crashed.statusCode()).isEqualTo(502);
        assertThat(crashed.headers().firstValue(FunctionGateway.ERROR_HEADER)).contains("crashed");
        assertThat(output).contains(d.id() + " stderr Error: boom");
        assertThat(hello(d).get("function").asText()).isEqualTo("api/hello");
    }

    @Test
    void requests_to_one_worker_run_concurrently_and_answers_stream() throws Exception {
        Deployment d = deploy(Map.of());
        hello(d);
        var slow = http.sendAsync(HttpRequest.newBuilder(URI.create(host.gatewayUrl() + "/" + d.id() + "/node/api/stream"))
                .header(FunctionGateway.TOKEN_HEADER, host.gatewayToken()).header("x-miaobu-function", "api/stream").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(hello(d).get("function").asText()).isEqualTo("api/hello"); // answered while the stream is open
        assertThat(slow.get().body()).isEqualTo("first\nsecond\n");
    }

    @Test
    void an_idle_worker_is_stopped_and_the_next_request_starts_it_again() throws Exception {
        host.close();
        host = start(Duration.ofSeconds(5), Duration.ofMillis(800));
        Deployment d = deploy(Map.of());
        String port = hello(d).get("env").get("PORT").asText();
        assertThat(processesOf(d)).isNotEmpty();

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (host.runningWorkers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        assertThat(host.runningWorkers()).isZero();
        assertThat(processesOf(d)).isEmpty();
        assertThat(hello(d).get("env").get("PORT").asText()).isNotEqualTo(port);
    }

    @Test
    void deleting_a_deployment_stops_its_worker_and_removes_its_files() throws Exception {
        Deployment d = deploy(Map.of());
        hello(d);

        host.delete(d);

        assertThat(processesOf(d)).isEmpty();
        assertThat(data.resolve("functions").resolve(d.id())).doesNotExist();
        assertThat(call(d, "GET", "/api/hello", "api/hello", null).statusCode()).isEqualTo(502);
    }

    @Test
    void no_worker_outlives_the_host() throws Exception {
        Deployment a = deploy(Map.of());
        Deployment b = deploy(Map.of());
        hello(a);
        hello(b);
        assertThat(processesOf(a)).isNotEmpty();

        host.close();

        assertThat(processesOf(a)).isEmpty();
        assertThat(processesOf(b)).isEmpty();
        try (var left = Files.list(builds)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("fn-"));
        }
    }
}
