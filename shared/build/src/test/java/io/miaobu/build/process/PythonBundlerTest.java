package io.miaobu.build.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.BuildSandbox;
import io.miaobu.config.SandboxSettings;
import io.miaobu.dynamic.FunctionBundler;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.dynamic.PythonBundler;
import io.miaobu.testkit.BuildDirs;
import io.miaobu.testkit.PythonPackageIndex;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real FastAPI, Flask and Django projects, bundled by {@link PythonBundler} in a real build sandbox (dependencies
 * checked and installed there), then served by runtimes/python/server.py and called over HTTP. The frameworks are
 * Debian's packages (./miaobu test installs them); the machine reaches no PyPI, so a missing dependency comes from
 * a package index the test writes.
 */
class PythonBundlerTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final int FIRST_UID = 2_000_200_000 + (int) (ProcessHandle.current().pid() % 10_000) * 10;

    @TempDir Path tmp;
    private Path builds;
    private BuildSandboxes sandboxes;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Process> servers = new ArrayList<>();
    private int workspaces;

    @BeforeEach
    void sandbox() throws Exception {
        Assumptions.assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip()),
                "builds get uids of their own only when Miaobu runs as root");
        builds = BuildDirs.builds(tmp);
        sandboxes = BuildSandboxes.create(new SandboxSettings("auto", FIRST_UID, 10, 256, 2048, 600, 512), List.of());
    }

    @AfterEach
    void stopServers() {
        servers.forEach(Process::destroyForcibly);
    }

    /** A workspace with the project's files in repo/, as the builder checks it out. */
    private Path project(Map<String, String> files) throws IOException {
        Path workspace = Files.createDirectories(builds.resolve("w" + (++workspaces)));
        Path repo = Files.createDirectories(workspace.resolve("repo"));
        for (var e : files.entrySet()) {
            Path file = repo.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue().stripIndent());
        }
        return repo;
    }

    private FunctionManifest bundle(Path repo) throws Exception {
        return bundle(repo, Map.of());
    }

    private FunctionManifest bundle(Path repo, Map<String, String> extraEnv) throws Exception {
        return bundle(repo, extraEnv, new PythonBundler());
    }

    private FunctionManifest bundle(Path repo, Map<String, String> extraEnv, PythonBundler bundler) throws Exception {
        Path workspace = repo.getParent();
        Path home = Files.createDirectories(workspace.resolve("home"));
        Map<String, String> env = new LinkedHashMap<>(Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString(), "LANG", "C.UTF-8"));
        env.putAll(extraEnv);
        BuildOutput output = (stream, text) -> log.add(text);
        try (BuildSandbox sandbox = sandboxes.open(workspace)) {
            sandbox.prepare(workspace);
            FunctionManifest manifest = bundler.bundle(new FunctionBundler.Request(repo, repo,
                    workspace.resolve("bundle"), sandbox, env, output, () -> false, Duration.ofMinutes(3)));
            manifest.write(workspace.resolve("bundle"));
            return manifest;
        }
    }

    /** runtimes/python/server.py of this checkout. */
    private static Path runtimeServer() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(dir.resolve("runtimes/python/server.py"))) {
            dir = dir.getParent();
        }
        return dir.resolve("runtimes/python/server.py");
    }

    /** runtimes/python/server.py on the bundle; returns its port. */
    private int serve(Path bundle) throws Exception {
        Path server = runtimeServer();
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), server.toString(), bundle.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "PORT", "0", "LANG", "C.UTF-8"));
        Process process = pb.start();
        servers.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as("the runtime's first line").startsWith("miaobu-runtime listening on ");
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(first.substring(first.lastIndexOf(' ') + 1));
    }

    private static HttpResponse<String> get(int port, String path, String function) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("x-forwarded-host", "site.example.com").header("x-forwarded-proto", "https").timeout(Duration.ofSeconds(30));
        if (function != null) {
            request.header("x-miaobu-function", function);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void a_fastapi_app_with_a_python_function_is_bundled_and_answers_over_http() throws Exception {
        Path repo = project(Map.of(
                "requirements.txt", "fastapi>=0.90\n",
                "main.py", """
                        from fastapi import FastAPI
                        from fastapi.staticfiles import StaticFiles
                        from helpers import shout

                        app = FastAPI()
                        app.mount("/static", StaticFiles(directory="static"), name="static")

                        @app.get("/")
                        async def home():
                            return {"message": shout("hello")}
                        """,
                "helpers.py", "def shout(s):\n    return s.upper()\n",
                "static/app.css", "body { color: red }",
                "api/echo.py", """
                        def app(environ, start_response):
                            start_response("200 OK", [("Content-Type", "text/plain")])
                            return [("echo from " + environ["HTTP_HOST"]).encode()]
                        """));

        FunctionManifest manifest = bundle(repo);

        assertThat(manifest.app()).isEqualTo(new FunctionManifest.App("python", "main:app", "asgi", null, List.of("static/"), null));
        assertThat(manifest.functions()).containsExactly(
                new FunctionManifest.Function("api/echo", "/api/echo", "api/echo.py", "python", "python/app/api/echo.py"));
        assertThat(log).anyMatch(l -> l.matches("fastapi 0\\.\\d+\\.\\d+ provided by the runtime"));
        int port = serve(repo.getParent().resolve("bundle"));
        HttpResponse<String> home = get(port, "/", null);
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).isEqualTo("{\"message\":\"HELLO\"}");
        assertThat(get(port, "/api/echo", "api/echo").body()).isEqualTo("echo from site.example.com");
    }

    @Test
    void the_runtime_serves_a_bundle_from_inside_the_sandbox_behind_the_edge_token_as_the_local_host_runs_it() throws Exception {
        Path repo = project(Map.of("requirements.txt", "flask\n", "app.py", """
                from flask import Flask
                import os
                app = Flask(__name__)

                @app.route("/")
                def home():
                    return "token visible: " + str("MIAOBU_EDGE_TOKEN" in os.environ)
                """));
        bundle(repo);
        Path workspace = repo.getParent();
        Path server = runtimeServer();
        Path runtime = Files.createDirectories(workspace.resolve("runtime"));
        Files.copy(server, runtime.resolve("server.py"));
        java.util.concurrent.CompletableFuture<Integer> listening = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (BuildSandbox sandbox = sandboxes.open(workspace)) {
            sandbox.prepare(workspace);
            Thread worker = new Thread(() -> {
                try {
                    sandbox.run("exec python3 runtime/server.py bundle", workspace, Map.of("PATH", "/usr/bin:/bin", "PORT", "0",
                            "HOST", "127.0.0.1", "HOME", workspace.resolve("home").toString(), "MIAOBU_EDGE_TOKEN", "local-token"),
                            Duration.ofMinutes(2), (stream, text) -> {
                                if (text.startsWith("miaobu-runtime listening on ")) {
                                    listening.complete(Integer.parseInt(text.substring(text.lastIndexOf(' ') + 1)));
                                }
                            }, stop::get);
                } catch (Exception e) {
                    listening.completeExceptionally(e);
                }
            });
            worker.start();
            int port = listening.get(30, TimeUnit.SECONDS);
            assertThat(get(port, "/", null).statusCode()).isEqualTo(403);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .header("x-miaobu-edge-token", "local-token").header("x-forwarded-host", "site.example.com").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("token visible: False");
            stop.set(true);
            worker.join(10_000);
        }
    }

    @Test
    void a_flask_app_renders_its_templates_from_the_bundle() throws Exception {
        Path repo = project(Map.of(
                "requirements.txt", "Flask>=2.0\n",
                "app.py", """
                        from flask import Flask, render_template
                        app = Flask(__name__)

                        @app.route("/hello/<name>")
                        def hello(name):
                            return render_template("hello.html", name=name)
                        """,
                "templates/hello.html", "<p>Hello {{ name }}!</p>"));

        FunctionManifest manifest = bundle(repo);

        assertThat(manifest.app().entry()).isEqualTo("app:app");
        assertThat(manifest.app().protocol()).isEqualTo("wsgi");
        assertThat(manifest.app().staticDirs()).isEmpty(); // no static folder: nothing for the edge to serve
        HttpResponse<String> page = get(serve(repo.getParent().resolve("bundle")), "/hello/ada", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("<p>Hello ada!</p>");
    }

    @Test
    void a_django_project_made_by_django_admin_startproject_serves_its_admin() throws Exception {
        Path repo = project(Map.of("requirements.txt", "Django>=3.2\n"));
        Process startproject = new ProcessBuilder("django-admin", "startproject", "mysite", repo.toString())
                .redirectErrorStream(true).start();
        String output = new String(startproject.getInputStream().readAllBytes());
        assertThat(startproject.waitFor(60, TimeUnit.SECONDS) && startproject.exitValue() == 0).as(output).isTrue();
        Files.writeString(repo.resolve("mysite/settings.py"), "\nALLOWED_HOSTS = ['site.example.com']\n",
                java.nio.file.StandardOpenOption.APPEND);

        FunctionManifest manifest = bundle(repo);

        assertThat(manifest.app().entry()).isEqualTo("mysite.wsgi:application");
        assertThat(log).anyMatch(l -> l.matches("Django 3\\.2\\.\\d+ provided by the runtime"));
        HttpResponse<String> login = get(serve(repo.getParent().resolve("bundle")), "/admin/login/", null);
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("Django administration");
    }

    @Test
    void a_dependency_the_runtime_lacks_is_installed_from_the_package_index_into_the_bundle() throws Exception {
        Path repo = project(Map.of(
                "requirements.txt", "flask\nmiaobu-greeting==1.0\n",
                "app.py", """
                        from flask import Flask
                        import miaobu_greeting
                        app = Flask(__name__)

                        @app.route("/")
                        def home():
                            return miaobu_greeting.GREETING
                        """));
        PythonPackageIndex index = new PythonPackageIndex(repo.getParent().resolve("index"))
                .wheel("miaobu-greeting", "1.0", "py3-none-any", "miaobu_greeting", "GREETING = 'hello from a wheel'\n");

        bundle(repo, Map.of("PIP_INDEX_URL", index.url()));

        Path bundle = repo.getParent().resolve("bundle");
        assertThat(log).anyMatch(l -> l.contains("Installing 1 of requirements.txt's dependencies with pip: miaobu-greeting==1.0"));
        assertThat(bundle.resolve("python/packages/miaobu_greeting.py")).exists();
        assertThat(bundle.resolve("python/packages/flask")).doesNotExist();
        assertThat(get(serve(bundle), "/", null).body()).isEqualTo("hello from a wheel");
    }

    @Test
    void a_dependency_pip_cannot_find_fails_the_build_with_pips_message() throws Exception {
        Path repo = project(Map.of("requirements.txt", "flask\nmiaobu-no-such-package==9.9\n",
                "app.py", "from flask import Flask\napp = Flask(__name__)\n"));
        Path index = Files.createDirectories(repo.getParent().resolve("empty-index"));

        assertThatThrownBy(() -> bundle(repo, Map.of("PIP_INDEX_URL", index.toUri().toString())))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("Installing the Python dependencies failed")
                .hasMessageContaining("No matching distribution found for miaobu-no-such-package==9.9");
    }

    @Test
    void the_bundle_holds_the_projects_source_without_git_venvs_caches_tests_or_links_out_of_the_project() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("api/hello.py", "def app(e, s):\n    s('200 OK', [])\n    return [b'hi']\n");
        files.put("api/_shared.py", "X = 1\n");
        files.put("api/test_hello.py", "");
        files.put("lib/util.py", "");
        files.put("data/config.json", "{}");
        for (String skipped : List.of(".git/config", "node_modules/x/index.js", ".venv/pyvenv.cfg", "env2/pyvenv.cfg",
                "lib/__pycache__/util.cpython-311.pyc", "tests/test_app.py")) {
            files.put(skipped, "");
        }
        Path repo = project(files);
        Files.createSymbolicLink(repo.resolve("lib/passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(repo.resolve("lib/config-link.json"), repo.resolve("data/config.json"));

        FunctionManifest manifest = bundle(repo);

        assertThat(manifest.functions()).extracting(FunctionManifest.Function::route).containsExactly("/api/hello");
        assertThat(manifest.app()).isNull();
        assertThat(files(repo.getParent().resolve("bundle/python/app"))).containsExactly(
                "api/_shared.py", "api/hello.py", "api/test_hello.py", "data/config.json", "lib/config-link.json", "lib/util.py");
        assertThat(log).anyMatch(l -> l.contains("`lib/passwd` links outside the project"));
    }

    @Test
    void two_files_for_one_route_fail_the_build_naming_both() throws Exception {
        Path repo = project(Map.of("api/hello.py", "", "api/hello/index.py", ""));
        assertThatThrownBy(() -> bundle(repo)).isInstanceOf(BuildFailure.class)
                .hasMessage("Two functions answer /api/hello: api/hello.py and api/hello/index.py. Remove or rename one of them.");
    }

    @Test
    void a_project_without_python_gets_nothing() throws Exception {
        Path repo = project(Map.of("index.html", "<h1>hi</h1>", "api/hello.js", "export default () => new Response('hi')"));
        assertThat(bundle(repo).isEmpty()).isTrue();
        assertThat(repo.getParent().resolve("bundle/python")).doesNotExist();
    }

    /**
     * A package index with one project, {@code miaobu-native} 1.0, in a wheel per tag set: each wheel's module says
     * which one it is ({@code BUILT_FOR}).
     */
    private static Path nativeIndex(Path workspace, String... tagSets) {
        PythonPackageIndex index = new PythonPackageIndex(workspace.resolve("index"));
        for (String tags : tagSets) {
            index.wheel("miaobu-native", "1.0", tags, "miaobu_native", "BUILT_FOR = '" + tags + "'\n");
        }
        return workspace.resolve("index");
    }

    private static final String CP310 = "cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64";
    private static final String CP311 = "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64";
    private static final String CP311_28 = "cp311-cp311-manylinux_2_28_x86_64";
    private static final String PURE = "py3-none-any";

    private static final Map<String, String> NATIVE_PROJECT = Map.of(
            "requirements.txt", "miaobu-native==1.0\n",
            "api/built.py", """
                    import miaobu_native

                    def app(environ, start_response):
                        start_response("200 OK", [("Content-Type", "text/plain")])
                        return [miaobu_native.BUILT_FOR.encode()]
                    """);

    private static Map<String, String> pipFrom(Path index) {
        return Map.of("PIP_INDEX_URL", index.toUri().toString());
    }

    private String installedFor(Path repo) throws IOException {
        String module = Files.readString(repo.getParent().resolve("bundle/python/packages/miaobu_native.py"));
        return module.substring(module.indexOf('\'') + 1, module.lastIndexOf('\''));
    }

    @Test
    void a_function_compute_build_installs_the_wheel_for_fcs_python_not_the_build_machines() throws Exception {
        Map<String, String> files = NATIVE_PROJECT;
        Path fc310 = project(files);
        bundle(fc310, pipFrom(nativeIndex(fc310.getParent(), CP310, CP311, PURE)), new PythonBundler("3.10"));
        assertThat(installedFor(fc310)).isEqualTo(CP310);
        assertThat(log).anyMatch(l -> l.startsWith("Installing for Python 3.10 on Linux x86_64 (wheels only)"));

        Path fc312 = project(files);
        bundle(fc312, pipFrom(nativeIndex(fc312.getParent(), CP310, CP311, PURE)), new PythonBundler("3.12"));
        assertThat(installedFor(fc312)).as("no cp312 wheel: the pure-Python one").isEqualTo(PURE);

        Path local = project(files);
        bundle(local, pipFrom(nativeIndex(local.getParent(), CP310, CP311, PURE)));
        assertThat(installedFor(local)).as("local mode: the build's own Python 3.11").isEqualTo(CP311);
    }

    @Test
    void a_wheel_for_a_newer_glibc_than_function_computes_is_not_taken() throws Exception {
        Map<String, String> files = NATIVE_PROJECT;
        Path repo = project(files);
        Path index = nativeIndex(repo.getParent(), CP311_28, "cp311-cp311-manylinux_2_34_x86_64", PURE);

        bundle(repo, Map.of("PIP_INDEX_URL", index.toUri().toString()), new PythonBundler("3.11"));

        assertThat(installedFor(repo)).as("custom.debian10 has glibc 2.28").isEqualTo(CP311_28);
    }

    @Test
    void requirements_marked_for_another_python_are_read_for_function_computes() throws Exception {
        Path repo = project(Map.of("requirements.txt", "miaobu-native==1.0; python_version >= '3.11'\n",
                "api/hello.py", "def app(e, s):\n    s('200 OK', [])\n    return [b'hi']\n"));
        Path index = nativeIndex(repo.getParent(), CP310, CP311);

        bundle(repo, Map.of("PIP_INDEX_URL", index.toUri().toString()), new PythonBundler("3.10"));

        assertThat(log).anyMatch(l -> l.startsWith("miaobu-native: not for this platform"));
        assertThat(repo.getParent().resolve("bundle/python/packages/miaobu_native.py")).doesNotExist();
    }

    @Test
    void a_package_without_a_wheel_for_function_computes_python_fails_the_build_saying_why() throws Exception {
        Map<String, String> files = NATIVE_PROJECT;
        Path repo = project(files);
        Path index = nativeIndex(repo.getParent(), CP311);

        assertThatThrownBy(() -> bundle(repo, Map.of("PIP_INDEX_URL", index.toUri().toString()), new PythonBundler("3.10")))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("No matching distribution found for miaobu-native==1.0")
                .hasMessageContaining("run on Function Compute's Python 3.10 on Linux x86_64, so every dependency must be a wheel built for it");
    }

    @Test
    void a_project_asking_for_a_python_function_compute_does_not_run_fails_naming_the_versions_it_offers() throws Exception {
        Path repo = project(Map.of(".python-version", "3.12\n", "api/hello.py", "def app(e, s):\n    s('200 OK', [])\n    return [b'hi']\n"));

        assertThatThrownBy(() -> bundle(repo, Map.of(), new PythonBundler("3.10")))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("The project asks for Python 3.12")
                .hasMessageContaining("run on Function Compute's Python 3.10")
                .hasMessageContaining("offer Python 3.9, 3.10, 3.12");
        Path ranged = project(Map.of("pyproject.toml", "[project]\nname = \"x\"\nrequires-python = \">=3.9\"\n",
                "api/hello.py", "def app(e, s):\n    s('200 OK', [])\n    return [b'hi']\n"));
        assertThat(bundle(ranged, Map.of(), new PythonBundler("3.10")).functions()).hasSize(1);
    }
}
