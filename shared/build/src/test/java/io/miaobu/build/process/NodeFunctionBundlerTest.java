package io.miaobu.build.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.BuildSandbox;
import io.miaobu.build.FileTrees;
import io.miaobu.config.SandboxSettings;
import io.miaobu.dynamic.FunctionBundler;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.dynamic.NodeFunctionBundler;
import io.miaobu.testkit.BuildDirs;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A project's functions bundled by real esbuild in the real build sandbox, then served by the real Node
 * runtime ({@code runtimes/node/server.mjs}) from the bundle alone (the project's node_modules gone), over HTTP.
 * esbuild comes from the PATH or the checkout's .tools/bin, where ./miaobu installs it.
 */
class NodeFunctionBundlerTest {
    private static final Path CHECKOUT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path RUNTIME = CHECKOUT.resolve("runtimes/node/server.mjs");
    // A range of its own per test JVM, as BuildSandboxesTest does: parallel checkouts never share a uid.
    private static final int FIRST_UID = 2_000_200_000 + (int) (ProcessHandle.current().pid() % 10_000) * 10;

    @TempDir Path tmp;
    private Path workspace;
    private Path root;
    private Path bundle;
    private BuildSandbox sandbox;
    private Process runtime;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<String> runtimeOutput = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void workspace() throws Exception {
        open("auto");
    }

    /** A fresh workspace and a sandbox of {@code mode} ("auto": namespaces where bubblewrap works, as in CI). */
    private void open(String mode) throws Exception {
        if (sandbox != null) {
            sandbox.close();
            FileTrees.delete(tmp.resolve("data"));
        }
        Path builds = BuildDirs.builds(tmp);
        Path data = builds.getParent();
        workspace = Files.createDirectories(builds.resolve("d1"));
        root = Files.createDirectories(workspace.resolve("repo"));
        bundle = workspace.resolve("bundle");
        BuildSandboxes sandboxes = BuildSandboxes.create(new SandboxSettings(mode, FIRST_UID, 10, 256, 4096, 600, 64), List.of(data));
        sandbox = sandboxes.open(workspace);
    }

    @AfterEach
    void stop() throws Exception {
        if (runtime != null) {
            runtime.destroy();
            runtime.waitFor(10, TimeUnit.SECONDS);
        }
        sandbox.close();
    }

    private void write(String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private FunctionManifest bundleProject() throws Exception {
        sandbox.prepare(workspace);
        BuildOutput output = (stream, text) -> log.add(text);
        return new NodeFunctionBundler().bundle(new FunctionBundler.Request(root.getParent(), root, bundle, sandbox,
                Map.of("PATH", toolPath(), "HOME", workspace.toString()), output, () -> false, Duration.ofMinutes(2)));
    }

    /** The PATH builds get: esbuild and node from this machine's PATH, or the checkout's .tools/bin. */
    private static String toolPath() {
        String path = CHECKOUT.resolve(".tools/bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        assertThat(Arrays.stream(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, "esbuild"))))
                .as("esbuild is installed (./miaobu test installs it into .tools/bin)").isTrue();
        return path;
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "uid"})
    void every_kind_of_function_is_bundled_with_its_dependencies_and_answers_its_route(String mode) throws Exception {
        open(mode); // uid: where a container forbids namespaces (Function Compute's builder may)
        // A CommonJS package as npm installs it, with a dependency of its own and a Node built-in.
        write("node_modules/greeter/package.json", "{\"name\":\"greeter\",\"version\":\"1.2.3\",\"main\":\"lib/index.js\"}");
        write("node_modules/greeter/lib/index.js", """
                const shout = require('shout');
                const { createHash } = require('crypto');
                exports.greet = (name) => shout('hello ' + name) + ' #' + createHash('sha256').update(name).digest('hex').slice(0, 6);
                exports.folder = require('path').basename(__dirname);
                """);
        write("node_modules/shout/package.json", "{\"name\":\"shout\",\"version\":\"1.0.0\"}");
        write("node_modules/shout/index.js", "module.exports = (s) => s.toUpperCase();\n");
        // And a real one from npm: semver, as npm itself ships it (CommonJS, many files).
        FileTrees.copy(installedSemver(), root.resolve("node_modules/semver"));
        write("package.json", "{\"name\":\"site\",\"private\":true,\"dependencies\":{\"greeter\":\"1.2.3\",\"semver\":\"7\"}}");
        write("api/hello.ts", """
                import { greet } from 'greeter';
                import semver from 'semver';
                import { suffix } from './_util';

                interface Context { params: Record<string, string> }

                export default async (request: Request, context: Context): Promise<Response> => {
                  const name: string = new URL(request.url).searchParams.get('name') ?? 'world';
                  return Response.json({ message: greet(name) + suffix, url: request.url, newer: semver.gt('1.10.0', '1.9.0') });
                };
                """);
        write("api/_util.js", "export const suffix = '!';\n");
        write("api/hello.test.ts", "throw new Error('a test is not a function');\n");
        write("api/types.d.ts", "export type Id = string;\n");
        write("api/users/[id].js", """
                const { greet } = require('greeter');
                module.exports = (req, res) => {
                  res.status(200).json({ id: req.query.id, greeting: greet(req.query.id), method: req.method });
                };
                """);
        write("api/[...slug].js", """
                export function GET(request, { params }) {
                  return Response.json({ slug: params.slug });
                }
                """);
        write("netlify/functions/hi.mjs", "export default async (req, context) => new Response('hi from ' + new URL(req.url).host);\n");

        FunctionManifest manifest = bundleProject();

        assertThat(manifest.functions()).containsExactly(
                new FunctionManifest.Function("api/[...slug]", "/api/[...slug]", "api/[...slug].js", "node", "node/api/[...slug].mjs"),
                new FunctionManifest.Function("api/hello", "/api/hello", "api/hello.ts", "node", "node/api/hello.mjs"),
                new FunctionManifest.Function("api/users/[id]", "/api/users/[id]", "api/users/[id].js", "node", "node/api/users/[id].mjs"),
                new FunctionManifest.Function("netlify/functions/hi", "/.netlify/functions/hi", "netlify/functions/hi.mjs", "node",
                        "node/netlify/functions/hi.mjs"));
        assertThat(log).anyMatch(line -> line.matches("Function /api/users/\\[id] ← api/users/\\[id]\\.js \\(\\d+(\\.\\d)? (B|KiB)\\)"));
        manifest.write(bundle);

        // The bundle stands alone: what the functions import is inside it.
        assertThat(FileTrees.delete(root.resolve("node_modules"))).isTrue();
        int port = startRuntime();
        assertThat(call(port, "api/hello", "/api/hello?name=ada", "{}"))
                .isEqualTo("{\"message\":\"HELLO ADA #fdee43!\",\"url\":\"https://shop.example.com/api/hello?name=ada\",\"newer\":true}");
        assertThat(call(port, "api/users/[id]", "/api/users/42", "{\"id\":\"42\"}"))
                .isEqualTo("{\"id\":\"42\",\"greeting\":\"HELLO 42 #73475c\",\"method\":\"GET\"}");
        assertThat(call(port, "api/[...slug]", "/api/a/b", "{\"slug\":[\"a\",\"b\"]}")).isEqualTo("{\"slug\":[\"a\",\"b\"]}");
        assertThat(call(port, "netlify/functions/hi", "/.netlify/functions/hi", "{}")).isEqualTo("hi from shop.example.com");
    }

    @Test
    void two_files_for_one_route_fail_the_build_naming_both() throws Exception {
        write("api/hello.js", "export default () => new Response('js');\n");
        write("api/hello.ts", "export default () => new Response('ts');\n");
        assertThatThrownBy(this::bundleProject).isInstanceOf(BuildFailure.class)
                .hasMessageContaining("Two functions answer /api/hello: api/hello.js and api/hello.ts");
    }

    @Test
    void a_syntax_error_fails_the_build_naming_the_file_and_line() throws Exception {
        write("api/ok.js", "export default () => new Response('ok');\n");
        write("api/broken.js", "export default () => {\n  return new Response('x'\n};\n");
        assertThatThrownBy(this::bundleProject).isInstanceOf(BuildFailure.class)
                .hasMessageContaining("api/broken.js:3: Expected \")\" but found \"}\"");
    }

    @Test
    void an_import_that_is_not_installed_fails_the_build_saying_which() throws Exception {
        write("api/needs.js", "import missing from 'not-installed-package';\nexport default () => new Response(missing);\n");
        assertThatThrownBy(this::bundleProject).isInstanceOf(BuildFailure.class)
                .hasMessageContaining("api/needs.js:1: Could not resolve \"not-installed-package\"");
    }

    @Test
    void module_exports_in_a_type_module_package_fails_the_build_instead_of_crashing_later() throws Exception {
        write("package.json", "{\"type\":\"module\"}");
        write("api/legacy.js", "module.exports = (req, res) => res.json({ ok: true });\n");
        assertThatThrownBy(this::bundleProject).isInstanceOf(BuildFailure.class)
                .hasMessageContaining("api/legacy.js:1: The CommonJS \"module\" variable is treated as a global variable in an ECMAScript module");
        assertThat(log).anyMatch(line -> line.contains(".cjs"));
    }

    @Test
    void a_crash_is_logged_with_the_line_of_the_users_own_source_file() throws Exception {
        write("api/boom.ts", """
                type Order = { id: string };

                export default async (request: Request): Promise<Response> => {
                  const order: Order | undefined = undefined;
                  return Response.json({ id: order!.id });
                };
                """);
        bundleProject().write(bundle);
        int port = startRuntime();
        HttpResponse<String> crashed = get(port, "api/boom", "/api/boom", "{}");
        assertThat(crashed.statusCode()).isEqualTo(502);
        assertThat(crashed.body()).contains("This function crashed").doesNotContain("boom.ts");
        assertThat(waitForOutput("boom.ts:")).containsPattern("TypeError: Cannot read properties of undefined[\\s\\S]*api/boom\\.ts:5:");
    }

    @Test
    void a_project_without_functions_bundles_nothing() throws Exception {
        write("index.html", "<h1>static</h1>");
        write("src/api/client.js", "export const x = 1;\n");
        assertThat(bundleProject()).isEqualTo(FunctionManifest.EMPTY);
        assertThat(bundle.resolve("node")).doesNotExist();
    }

    /** The semver package npm carries (npm is a prerequisite of ./miaobu): in npm's own node_modules, or Debian's. */
    private static Path installedSemver() throws Exception {
        Process which = new ProcessBuilder("sh", "-c", "readlink -f \"$(command -v npm)\"").start();
        String cli = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        List<Path> candidates = new ArrayList<>();
        if (!cli.isEmpty()) {
            candidates.add(Path.of(cli).getParent().getParent().resolve("node_modules/semver")); // <npm>/bin/npm-cli.js
        }
        candidates.add(Path.of("/usr/share/nodejs/semver"));
        return candidates.stream().filter(p -> Files.isRegularFile(p.resolve("package.json"))).findFirst()
                .orElseThrow(() -> new AssertionError("npm's semver package not found in " + candidates));
    }

    private int startRuntime() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("node", RUNTIME.toString(), bundle.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "PORT", "0"));
        runtime = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("miaobu-runtime listening on (\\d+)");
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher m = listening.matcher(line);
            if (m.matches()) {
                Thread drain = new Thread(() -> out.lines().forEach(runtimeOutput::add)); // keep reading its log
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the runtime exited before listening");
    }

    private static String call(int port, String function, String path, String params) throws Exception {
        HttpResponse<String> response = get(port, function, path, params);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> get(int port, String function, String path, String params) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("x-miaobu-function", function).header("x-miaobu-params", params)
                .header("x-forwarded-host", "shop.example.com").header("x-forwarded-proto", "https").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The runtime's output so far, once it has a line containing {@code text} (or after 5 seconds). */
    private String waitForOutput(String text) throws InterruptedException {
        for (int i = 0; i < 250 && runtimeOutput.stream().noneMatch(line -> line.contains(text)); i++) {
            Thread.sleep(20);
        }
        synchronized (runtimeOutput) {
            return String.join("\n", runtimeOutput);
        }
    }
}
