package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.deploy.Deployment;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.dynamic.FunctionBuild;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.json.Json;
import io.miaobu.local.FileRouteTable;
import io.miaobu.projects.Project;
import io.miaobu.testkit.StoreFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's functions in local mode as a visitor reaches them: {@code http://{slug}.localhost/api/...} through
 * the local host, the local edge and the function gateway to a sandboxed worker (a stand-in runtime from the
 * test resources), with the edge's own pages when the function hangs or crashes, and nothing left running
 * once the host stops.
 */
class LocalFunctionsThroughTheEdgeTest {
    @TempDir
    Path tmp;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void a_visitor_reaches_the_function_through_the_edge_and_nothing_outlives_the_host() throws Exception {
        Path runtimes = Path.of(getClass().getResource("/fake-runtimes").toURI());
        Deployment deployment;
        String host;
        try (LocalHost local = TestHosts.start(tmp, Map.of("MIAOBU_FUNCTION_RUNTIMES_DIR", runtimes.toString(),
                "MIAOBU_FUNCTION_TIMEOUT_SECONDS", "2"))) {
            ApiClient user = new ApiClient(local.port()).signUp("functions@example.com");
            String projectId = user.ok("POST", "/api/v1/projects", "{\"name\":\"Shop\",\"gitUrl\":\"https://example.com/shop.git\"}")
                    .get("id").asText();
            Project project = local.platform().database().projects().findById(projectId).orElseThrow();
            deployment = StoreFixtures.deployment(projectId, StoreFixtures.now());
            local.platform().database().deployments().insert(deployment);
            FunctionManifest manifest = new FunctionManifest(1, List.of(function("api/users/[id]", "/api/users/[id]"),
                    function("api/hang", "/api/hang"), function("api/crash", "/api/crash")), null);
            Path bundle = Files.createDirectories(tmp.resolve("bundle"));
            manifest.write(bundle);
            Map<String, String> backends = local.functions().deploy(project, deployment, bundle, manifest, Map.of("GREETING", "hi"));
            local.platform().database().deployments().recordFunctions(deployment.id(), manifest, backends);
            host = local.platform().hosts().production(project.slug());
            new FileRouteTable(tmp.resolve("data/routes")).put(host, new RouteEntry(deployment.id(), deployment.prefix(),
                    FunctionBuild.routes(RouteConfig.DEFAULTS, manifest), Instant.now(), backends));

            HttpResponse<String> answer = send(local, host, "POST", "/api/users/42?x=1", "{\"name\":\"ada\"}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode json = Json.MAPPER.readTree(answer.body());
            assertThat(json.get("function").asText()).isEqualTo("api/users/[id]");
            assertThat(json.get("params").get("id").asText()).isEqualTo("42");
            assertThat(json.get("path").asText()).isEqualTo("/api/users/42?x=1");
            assertThat(json.get("body").asText()).isEqualTo("{\"name\":\"ada\"}");
            assertThat(json.get("host").asText()).startsWith(host);
            assertThat(json.get("env").get("GREETING").asText()).isEqualTo("hi");
            assertThat(answer.headers().allValues("set-cookie")).containsExactly("a=1; Path=/", "b=2; Path=/");
            assertThat(answer.headers().firstValue("cache-control")).contains("no-store");
            assertThat(answer.headers().map().toString()).doesNotContain("local:").doesNotContain("x-miaobu-function-error");

            HttpResponse<String> late = send(local, host, "GET", "/api/hang", null);
            assertThat(late.statusCode()).isEqualTo(504);
            assertThat(late.body()).contains("504").contains("time limit");

            HttpResponse<String> crashed = send(local, host, "DELETE", "/api/crash", null);
            assertThat(crashed.statusCode()).isEqualTo(502);
            assertThat(crashed.body()).contains("This function crashed (api/crash)").doesNotContain("boom");

            assertThat(send(local, host, "GET", "/api/users/7", null).statusCode()).isEqualTo(200);
            assertThat(workerProcesses(deployment)).isNotEmpty();

            // The owner reads the functions and what they printed; nobody else learns the deployment exists.
            JsonNode listed = user.ok("GET", "/api/v1/deployments/" + deployment.id() + "/functions", null);
            assertThat(listed.get("functions")).extracting(f -> f.get("route").asText())
                    .containsExactly("/api/users/[id]", "/api/hang", "/api/crash");
            assertThat(listed.get("app").isNull()).isTrue();
            JsonNode shown = user.ok("GET", "/api/v1/deployments/" + deployment.id(), null);
            assertThat(shown.get("functions").asInt()).isEqualTo(3);
            assertThat(shown.toString()).doesNotContain("local:").doesNotContain("backends");
            List<String> texts = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline && texts.stream().noneMatch(t -> t.startsWith("miaobu-request GET /api/users/7 200"))) {
                Thread.sleep(100);
                texts.clear();
                user.ok("GET", "/api/v1/deployments/" + deployment.id() + "/functions/logs?after=0", null).get("lines")
                        .forEach(l -> texts.add(l.get("text").asText()));
            }
            assertThat(texts).contains("hello from api/users/[id]", "Error: boom")
                    .anyMatch(t -> t.startsWith("miaobu-request GET /api/users/7 200"))
                    .anyMatch(t -> t.contains("exited with code 3"));
            ApiClient stranger = new ApiClient(local.port()).signUp("stranger@example.com");
            for (String path : List.of("/functions", "/functions/logs", "/functions/logs/stream")) {
                assertThat(stranger.call("GET", "/api/v1/deployments/" + deployment.id() + path, null).status()).as(path).isEqualTo(404);
            }
        }
        assertThat(workerProcesses(deployment)).isEmpty();
    }

    private static FunctionManifest.Function function(String name, String route) {
        return new FunctionManifest.Function(name, route, name + ".js", FunctionManifest.NODE, "node/" + name + ".mjs");
    }

    private HttpResponse<String> send(LocalHost local, String host, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local.port() + path))
                .header("host", host).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Processes whose command line names the deployment's worker folder. */
    static List<String> workerProcesses(Deployment d) throws Exception {
        List<String> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (p.getFileName().toString().matches("\\d+")) {
                    try {
                        String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                        if (cmdline.contains("fn-" + d.id() + "-")) {
                            found.add(p.getFileName() + " " + cmdline.replace('\0', ' '));
                        }
                    } catch (java.io.IOException gone) {
                        // ended meanwhile
                    }
                }
            }
        }
        return found;
    }
}
