package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import io.miaobu.testkit.GitRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic sites as a user meets them (issue 15): real repositories with functions in {@code api/} and whole
 * Python web apps (FastAPI, Flask, Django), built by the real builder (npm and Vite, esbuild, pip's check against the runtime's
 * packages), run by the local host's sandboxed workers, reached through the real local edge — deployed,
 * redeployed with a change, rolled back, with the project's variables for each target visible at run time.
 */
class DynamicSitesFlowTest {
    private static final Duration BUILD = Duration.ofSeconds(240);

    @TempDir
    static Path tmp;

    static LocalHost host;
    static ApiClient user;

    @BeforeAll
    static void start() throws Exception {
        host = TestHosts.start(tmp, Map.of("MIAOBU_FUNCTION_TIMEOUT_SECONDS", "4"));
        user = new ApiClient(host.port()).signUp("dynamic@example.com");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    private static final String HELLO_TS = """
            export default async (request: Request): Promise<Response> => {
              const url = new URL(request.url);
              const name: string = url.searchParams.get('name') ?? 'nobody';
              return Response.json({ message: `${process.env.GREETING} from VERSION`, host: url.host, name });
            };
            """;
    private static final String USER_JS = """
            export default function handler(req, res) {
              res.status(200).json({ id: req.query.id, version: 'VERSION', method: req.method });
            }
            """;
    private static final String ECHO_PY = """
            import os

            def app(environ, start_response):
                size = int(environ.get('CONTENT_LENGTH') or 0)
                body = environ['wsgi.input'].read(size).decode()
                text = f"{environ['REQUEST_METHOD']} {body} {os.environ.get('GREETING')} VERSION"
                start_response('200 OK', [('Content-Type', 'text/plain')])
                return [text.encode()]
            """;

    private static GitRepos viteSite(String version) {
        GitRepos repo = GitRepos.create(tmp.resolve("vite-" + version))
                .write("package.json", """
                        {"name":"dyn","private":true,"type":"module","scripts":{"build":"vite build"},"devDependencies":{"vite":"8.4.0"}}
                        """)
                .write("index.html", "<!doctype html><title>dyn</title><h1>site " + version + "</h1>")
                .write("api/hello.ts", HELLO_TS.replace("VERSION", version))
                .write("api/users/[id].js", USER_JS.replace("VERSION", version))
                .write("api/echo.py", ECHO_PY.replace("VERSION", version));
        repo.commit(version);
        return repo;
    }

    @Test
    void a_vite_site_with_typescript_node_and_python_functions_deploys_redeploys_rolls_back_and_previews() throws Exception {
        GitRepos repo = viteSite("v1");
        JsonNode project = user.createProject(Map.of("name", "Dyn Vite", "gitUrl", repo.path().toString()));
        String projectId = project.get("id").asText();
        user.ok("PUT", "/api/v1/projects/" + projectId + "/env", Json.writeString(List.of(
                Map.of("key", "GREETING", "value", "hello production", "target", "production"),
                Map.of("key", "GREETING", "value", "hello preview", "target", "preview"))));
        String site = project.get("slug").asText() + ".localhost";

        String first = user.deployLive(projectId, BUILD);
        assertThat(user.logText(first)).as("npm installed the pinned Vite, which built the pages").contains("vite v8.4.0");
        assertThat(user.site(site, "/").body()).contains("<h1>site v1</h1>");
        JsonNode hello = ok(user.site(site, "/api/hello?name=ada"));
        assertThat(hello.get("message").asText()).isEqualTo("hello production from v1");
        assertThat(hello.get("host").asText()).isEqualTo(site + ":" + host.port());
        assertThat(hello.get("name").asText()).isEqualTo("ada");
        ApiClient.Answer userAnswer = user.site(site, "/api/users/42");
        assertThat(ok(userAnswer).get("id").asText()).isEqualTo("42");
        assertThat(userAnswer.raw().headers().firstValue("cache-control")).hasValue("no-store");
        ApiClient.Answer echoed = user.siteWithBody("POST", site, "/api/echo", "a form body");
        assertThat(echoed.status()).as(echoed.body()).isEqualTo(200);
        assertThat(echoed.body()).isEqualTo("POST a form body hello production v1");
        assertThat(user.site(site, "/api/hello.ts").body()).doesNotContain("process.env.GREETING");

        JsonNode functions = user.ok("GET", "/api/v1/deployments/" + first + "/functions", null);
        assertThat(functions.get("functions")).extracting(f -> f.get("route").asText())
                .containsExactlyInAnyOrder("/api/hello", "/api/users/[id]", "/api/echo");
        assertThat(functions.toString()).as("no backend address reaches the user").doesNotContain("local:").doesNotContain("127.0.0.1");
        user.awaitFunctionLog(first, "miaobu-request GET /api/users/42 200", Duration.ofSeconds(10));
        user.awaitFunctionLog(first, "miaobu-request POST /api/echo 200", Duration.ofSeconds(10));

        repo.write("api/hello.ts", HELLO_TS.replace("VERSION", "v2")).write("index.html", "<!doctype html><h1>site v2</h1>");
        repo.commit("v2");
        String second = user.deployLive(projectId, BUILD);
        assertThat(ok(user.site(site, "/api/hello")).get("message").asText()).isEqualTo("hello production from v2");
        assertThat(user.site(site, "/").body()).contains("<h1>site v2</h1>");
        assertThat(ok(user.site(first + "--" + site, "/api/hello")).get("message").asText())
                .as("the first deployment's own host runs the first deployment's code").isEqualTo("hello production from v1");

        user.ok("POST", "/api/v1/deployments/" + first + "/promote", null);
        assertThat(ok(user.site(site, "/api/hello")).get("message").asText()).isEqualTo("hello production from v1");
        assertThat(user.site(site, "/").body()).contains("<h1>site v1</h1>");
        user.ok("POST", "/api/v1/deployments/" + second + "/promote", null);
        assertThat(ok(user.site(site, "/api/hello")).get("message").asText()).isEqualTo("hello production from v2");

        repo.branch("feature");
        String preview = user.deployReady(projectId, "{\"branch\":\"feature\"}", BUILD);
        assertThat(ok(user.site(preview + "--" + site, "/api/hello")).get("message").asText()).isEqualTo("hello preview from v2");
        assertThat(user.siteWithBody("POST", preview + "--" + site, "/api/echo", "x").body()).isEqualTo("POST x hello preview v1");
        assertThat(ok(user.site(site, "/api/hello")).get("message").asText()).as("production is untouched by the preview")
                .isEqualTo("hello production from v2");
    }

    private static String fastApi(String version) {
        return """
                import os
                from fastapi import FastAPI

                app = FastAPI()

                @app.get("/items/{item_id}")
                def item(item_id: int):
                    return {"item": item_id, "version": "%s", "greeting": os.environ.get("GREETING")}
                """.formatted(version);
    }

    @Test
    void a_fastapi_app_deploys_redeploys_and_rolls_back_with_its_variables() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("fastapi")).write("requirements.txt", "fastapi\n").write("main.py", fastApi("v1"));
        repo.commit("a FastAPI app");
        JsonNode project = appProject(repo, "Dyn FastAPI", "hello fastapi");
        String site = project.get("slug").asText() + ".localhost";

        String first = user.deployLive(project.get("id").asText(), BUILD);
        assertThat(user.logText(first)).contains("output none (the app answers every path)")
                .contains("No static files to upload: the app answers every path.").doesNotContain("from ``");
        JsonNode item = ok(user.site(site, "/items/42"));
        assertThat(item.get("item").asInt()).isEqualTo(42);
        assertThat(item.get("greeting").asText()).isEqualTo("hello fastapi");
        assertThat(user.site(site, "/items/not-a-number").status()).as("FastAPI's own validation answers").isEqualTo(422);

        repo.write("main.py", fastApi("v2")).commit("v2");
        redeployedThenRolledBack(project, first, site, "/items/1");
    }

    private static String flask(String version) {
        return """
                import os
                from flask import Flask, request

                app = Flask(__name__)

                @app.route("/")
                def home():
                    return "<h1>flask home %s</h1>"

                @app.route("/items/<item>", methods=["GET", "POST"])
                def item(item):
                    return {"item": item, "method": request.method, "host": request.host, "version": "%s",
                            "greeting": os.environ.get("GREETING")}
                """.formatted(version, version);
    }

    @Test
    void a_flask_app_answers_every_path_but_its_static_files_which_the_edge_serves_and_redeploys_and_rolls_back() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("flask"))
                .write("requirements.txt", "flask\n")
                .write("static/style.css", "body{color:red}")
                .write("app.py", flask("v1"));
        repo.commit("a Flask app");
        JsonNode project = appProject(repo, "Dyn Flask", "hello flask");
        String site = project.get("slug").asText() + ".localhost";

        String first = user.deployLive(project.get("id").asText(), BUILD);
        assertThat(user.logText(first)).contains("output `static`").contains("Uploading 1 files from `static`");
        assertThat(user.site(site, "/").body()).contains("<h1>flask home v1</h1>");
        ApiClient.Answer posted = user.siteWithBody("POST", site, "/items/42", "");
        JsonNode item = ok(posted);
        assertThat(item.get("item").asText()).isEqualTo("42");
        assertThat(item.get("method").asText()).isEqualTo("POST");
        assertThat(item.get("host").asText()).isEqualTo(site + ":" + host.port());
        assertThat(item.get("greeting").asText()).isEqualTo("hello flask");
        ApiClient.Answer css = user.site(site, "/static/style.css");
        assertThat(css.body()).isEqualTo("body{color:red}");
        // From storage, with the edge's caching, not from the app (whose answers are no-store unless it says otherwise).
        assertThat(css.raw().headers().firstValue("cache-control")).contains("public, max-age=0, must-revalidate");
        assertThat(posted.raw().headers().firstValue("cache-control")).contains("no-store");
        assertThat(user.site(site, "/app.py").body()).doesNotContain("Flask(__name__)");

        repo.write("app.py", flask("v2")).commit("v2");
        redeployedThenRolledBack(project, first, site, "/items/1");
        assertThat(user.site(site, "/").body()).contains("<h1>flask home v1</h1>");
    }

    @Test
    void a_django_project_from_startproject_serves_its_admin_and_a_view_redeploys_and_rolls_back() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("django")).write("requirements.txt", "Django>=3.2\n");
        Process startproject = new ProcessBuilder("django-admin", "startproject", "mysite", repo.path().toString())
                .redirectErrorStream(true).start();
        String output = new String(startproject.getInputStream().readAllBytes());
        assertThat(startproject.waitFor(60, TimeUnit.SECONDS) && startproject.exitValue() == 0).as(output).isTrue();
        Files.writeString(repo.path().resolve("mysite/settings.py"), "\nALLOWED_HOSTS = ['.localhost']\n", StandardOpenOption.APPEND);
        Files.writeString(repo.path().resolve("mysite/urls.py"), """

                from django.http import JsonResponse
                import os

                def version(request):
                    return JsonResponse({"version": "v1", "greeting": os.environ.get("GREETING")})

                urlpatterns.append(path("version/", version))
                """, StandardOpenOption.APPEND);
        repo.commit("django-admin startproject mysite");
        JsonNode project = appProject(repo, "Dyn Django", "hello django");
        String site = project.get("slug").asText() + ".localhost";

        String first = user.deployLive(project.get("id").asText(), BUILD);
        ApiClient.Answer login = user.site(site, "/admin/login/");
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        assertThat(login.body()).contains("Django administration");
        JsonNode version = ok(user.site(site, "/version/"));
        assertThat(version.get("greeting").asText()).isEqualTo("hello django");
        assertThat(version.get("version").asText()).isEqualTo("v1");

        String urls = Files.readString(repo.path().resolve("mysite/urls.py"));
        repo.write("mysite/urls.py", urls.replace("\"v1\"", "\"v2\"")).commit("v2");
        redeployedThenRolledBack(project, first, site, "/version/");
    }

    /** A project for the app in {@code repo}, with GREETING set for production. */
    private static JsonNode appProject(GitRepos repo, String name, String greeting) throws Exception {
        JsonNode project = user.createProject(Map.of("name", name, "gitUrl", repo.path().toString()));
        user.ok("PUT", "/api/v1/projects/" + project.get("id").asText() + "/env", Json.writeString(List.of(
                Map.of("key", "GREETING", "value", greeting, "target", "production"))));
        return project;
    }

    /** Deploys the committed v2: {@code path} answers v2; promoting {@code first} brings v1's answer back. */
    private static void redeployedThenRolledBack(JsonNode project, String first, String site, String path) throws Exception {
        user.deployLive(project.get("id").asText(), BUILD);
        assertThat(ok(user.site(site, path)).get("version").asText()).isEqualTo("v2");
        user.ok("POST", "/api/v1/deployments/" + first + "/promote", null);
        assertThat(ok(user.site(site, path)).get("version").asText()).as("the old code answers again").isEqualTo("v1");
    }

    @Test
    void a_crashing_function_answers_502_and_logs_why_and_a_slow_one_answers_504() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("failing"))
                .write("public/index.html", "<h1>home</h1>")
                .write("api/crash.js", "export default () => { throw new Error('the database is on fire'); };\n")
                .write("api/slow.py", """
                        import time

                        def app(environ, start_response):
                            time.sleep(30)
                            start_response('200 OK', [])
                            return [b'too late']
                        """);
        repo.commit("failing functions");
        JsonNode project = user.createProject(Map.of("name", "Dyn Failing", "gitUrl", repo.path().toString(), "outputDirectory", "public"));
        String site = project.get("slug").asText() + ".localhost";
        String deployment = user.deployLive(project.get("id").asText(), BUILD);

        ApiClient.Answer crashed = user.site(site, "/api/crash");
        assertThat(crashed.status()).isEqualTo(502);
        assertThat(crashed.body()).contains("This function crashed").doesNotContain("the database is on fire");
        user.awaitFunctionLog(deployment, "the database is on fire", Duration.ofSeconds(10));

        ApiClient.Answer late = user.site(site, "/api/slow");
        assertThat(late.status()).isEqualTo(504);
        assertThat(late.body()).contains("time limit");
        assertThat(user.site(site, "/").body()).as("the pages are served as ever").contains("<h1>home</h1>");
    }

    private static JsonNode ok(ApiClient.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }
}
