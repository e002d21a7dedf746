package io.miaobu.functions.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AcsRoaClient;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.BuildSandbox;
import io.miaobu.build.process.BuildSandboxes;
import io.miaobu.config.SandboxSettings;
import io.miaobu.config.SecretKeys;
import io.miaobu.deploy.Deployment;
import io.miaobu.dynamic.EdgeTokens;
import io.miaobu.dynamic.FunctionBuild;
import io.miaobu.dynamic.FunctionBundler;
import io.miaobu.dynamic.FunctionBundlers;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.fc.FcFunctionHost;
import io.miaobu.json.Json;
import io.miaobu.projects.Project;
import io.miaobu.testkit.BuildDirs;
import io.miaobu.testkit.PythonPackageIndex;
import io.miaobu.testkit.StoreFixtures;
import io.miaobu.testkit.aliyun.FakeFc;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Function Compute path end to end with the real runtimes: a project with a Node function and a Python WSGI
 * function (with a dependency from a package index) bundled by the builder's bundlers in a real build sandbox, for
 * the host's Python; deployed by {@link FcFunctionHost} to a fake FC that checks every signed request and starts
 * each published version's package with its bootstrap command, as FC's custom runtime does
 * ({@link FakeFc#runFunctions()}); then called through the trigger URL as the ESA routine calls it. The machine's
 * own {@code python3.11} stands in for the FC layer's Python, so the host is told 3.11.
 */
class FunctionComputeRuntimesTest {
    private static final Path CHECKOUT = Path.of("../..").toAbsolutePath().normalize();
    private static final AliyunCredentials BUILDER = new AliyunCredentials("STS.builder", "builder-secret", Optional.of("sts-token"));
    private static final SecretKeys KEYS = SecretKeys.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));
    private static final int FIRST_UID = 2_000_200_000 + (int) (ProcessHandle.current().pid() % 10_000) * 10 + 5;

    @TempDir Path tmp;
    private FakeFc fc;
    private FcFunctionHost host;
    private Path workspace;
    private Path repo;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newHttpClient();
    private final Project project = StoreFixtures.project("u1", Instant.now());

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip()),
                "builds get uids of their own only when Miaobu runs as root");
        fc = new FakeFc(BUILDER).runFunctions();
        host = new FcFunctionHost(new AcsRoaClient("FC", fc.endpoint(), FakeFc.VERSION, () -> BUILDER, Clock.systemUTC(), 3, Duration.ofMillis(1)),
                Optional.empty(), new EdgeTokens(KEYS), new FcFunctionHost.Options("miaobu", 10, 512,
                Map.of("node", "acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/1",
                        "python", "acs:fc:cn-hangzhou:1234567:layers/python311/versions/1"), CHECKOUT.resolve("runtimes"), "3.11"));
        workspace = Files.createDirectories(BuildDirs.builds(tmp).resolve("d1"));
        repo = Files.createDirectories(workspace.resolve("repo"));
    }

    @AfterEach
    void stop() {
        if (fc != null) {
            fc.close();
        }
    }

    private void write(String path, String content) throws IOException {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content.stripIndent());
    }

    /** The builder's function step: the bundlers for this host, in a real sandbox, with esbuild from .tools/bin. */
    private FunctionManifest build(Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(Map.of("PATH", CHECKOUT.resolve(".tools/bin") + ":/usr/local/bin:/usr/bin:/bin",
                "HOME", Files.createDirectories(workspace.resolve("home")).toString(), "LANG", "C.UTF-8"));
        env.putAll(extraEnv);
        BuildOutput output = (stream, text) -> log.add(text);
        BuildSandboxes sandboxes = BuildSandboxes.create(new SandboxSettings("auto", FIRST_UID, 4, 256, 4096, 600, 512), List.of());
        try (BuildSandbox sandbox = sandboxes.open(workspace)) {
            sandbox.prepare(workspace);
            Path bundle = workspace.resolve("bundle");
            FunctionManifest manifest = new FunctionBuild(FunctionBundlers.all(host), true).bundle(new FunctionBundler.Request(repo, repo,
                    bundle, sandbox, env, output, () -> false, Duration.ofMinutes(3)));
            manifest.write(bundle);
            return manifest;
        }
    }

    /** As the ESA routine sends a request to a backend: the token from the URL's user info into its header, the function named. */
    private HttpResponse<String> viaEdge(String backend, String path, String function, String params, boolean withToken) throws Exception {
        URI uri = URI.create(backend);
        String token = uri.getRawUserInfo().split(":", 2)[1];
        URI to = URI.create(uri.getScheme() + "://" + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1)
                + (uri.getRawPath() == null ? "" : uri.getRawPath()) + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(to).timeout(Duration.ofSeconds(30))
                .header("x-miaobu-function", function).header("x-forwarded-host", "site.example.com").header("x-forwarded-proto", "https");
        if (params != null) {
            request.header("x-miaobu-params", params);
        }
        if (withToken) {
            request.header("x-miaobu-edge-token", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_node_and_a_python_function_built_for_fc_answer_the_edge_through_their_triggers_and_delete_leaves_nothing() throws Exception {
        write("package.json", "{\"name\":\"site\",\"type\":\"module\"}");
        write("api/hello.js", """
                export default async (request) => Response.json({ runtime: 'node', host: new URL(request.url).host,
                  key: process.env.API_KEY, node: process.version });
                """);
        write("api/users/[id].js", """
                export default function handler(req, res) {
                  res.status(200).json({ id: req.query.id });
                }
                """);
        write("requirements.txt", "miaobu-greeting==1.0\n");
        write("api/echo.py", """
                import os, sys
                import miaobu_greeting

                def app(environ, start_response):
                    start_response("200 OK", [("Content-Type", "text/plain")])
                    return [("%s from python %d.%d for %s, key %s" % (miaobu_greeting.GREETING, sys.version_info[0],
                             sys.version_info[1], environ["HTTP_HOST"], os.environ.get("API_KEY"))).encode()]
                """);
        PythonPackageIndex index = new PythonPackageIndex(workspace.resolve("index"))
                .wheel("miaobu-greeting", "1.0", "py3-none-any", "miaobu_greeting", "GREETING = 'hello from a wheel'\n");

        FunctionManifest manifest = build(Map.of("PIP_INDEX_URL", index.url()));
        assertThat(log).anyMatch(l -> l.startsWith("Installing for Python 3.11 on Linux x86_64 (wheels only)"));
        Deployment deployment = StoreFixtures.deployment(project.id(), Instant.now());
        Map<String, String> backends = host.deploy(project, deployment, workspace.resolve("bundle"), manifest, Map.of("API_KEY", "k-1"));
        assertThat(backends).containsOnlyKeys("node", "python");

        HttpResponse<String> node = viaEdge(backends.get("node"), "/api/hello", "api/hello", null, true);
        assertThat(node.statusCode()).as(node.body()).isEqualTo(200);
        JsonNode hello = Json.MAPPER.readTree(node.body());
        assertThat(hello.path("runtime").asText()).isEqualTo("node");
        assertThat(hello.path("host").asText()).isEqualTo("site.example.com");
        assertThat(hello.path("key").asText()).isEqualTo("k-1");
        HttpResponse<String> user = viaEdge(backends.get("node"), "/api/users/42", "api/users/[id]", "{\"id\":\"42\"}", true);
        assertThat(user.body()).isEqualTo("{\"id\":\"42\"}");

        HttpResponse<String> python = viaEdge(backends.get("python"), "/api/echo", "api/echo", null, true);
        assertThat(python.statusCode()).as(python.body()).isEqualTo(200);
        assertThat(python.body()).isEqualTo("hello from a wheel from python 3.11 for site.example.com, key k-1");

        for (String runtime : List.of("node", "python")) {
            assertThat(viaEdge(backends.get(runtime), "/api/echo", "api/echo", null, false).statusCode())
                    .as("%s without the edge token", runtime).isEqualTo(403);
        }

        host.delete(deployment);
        assertThat(fc.functionNames()).isEmpty();
    }
}
