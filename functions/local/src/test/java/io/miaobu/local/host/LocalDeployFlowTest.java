package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.testkit.GitRepos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product as a user meets it: the local host on a free port, a real Git repository, a
 * real npm build, the real edge serving the result through the host's port.
 */
class LocalDeployFlowTest {
    private static final Duration BUILD = Duration.ofSeconds(90);
    // A site whose build is a small Node program: it writes dist/ from message.txt, and fails on demand.
    private static final String BUILD_JS = """
            const fs = require('fs');
            const message = fs.readFileSync('message.txt', 'utf8').trim();
            console.log('building with message: ' + message);
            if (message === 'FAIL') { console.error('build.js: refusing to build FAIL'); process.exit(3); }
            if (message === 'SLOW') { setTimeout(() => {}, 120000); return; }
            fs.mkdirSync('dist/assets', { recursive: true });
            fs.writeFileSync('dist/index.html', '<!doctype html><h1>' + message + '</h1><script src="/assets/app-3f9a1b2c.js"></script>');
            fs.writeFileSync('dist/assets/app-3f9a1b2c.js', 'console.log(1)');
            console.log('wrote dist/');
            """;

    @TempDir
    static Path tmp;

    static LocalHost host;
    static ApiClient user;

    @BeforeAll
    static void start() throws Exception {
        host = TestHosts.start(tmp, Map.of());
        user = new ApiClient(host.port()).signUp("e2e@example.com");
    }

    /** A fresh repository of the test site, its first commit carrying {@code message}. */
    private static GitRepos siteRepo(String name, String message) {
        GitRepos repo = GitRepos.create(tmp.resolve(name))
                .write("package.json", "{\"name\":\"site\",\"private\":true,\"scripts\":{\"build\":\"node build.js\"}}")
                .write("build.js", BUILD_JS)
                .write("message.txt", message);
        repo.commit("first version");
        return repo;
    }

    /** A project imported from {@code repo} with no build settings; its id. */
    private static String imported(String name, GitRepos repo) throws Exception {
        return user.ok("POST", "/api/v1/projects", "{\"name\":\"" + name + "\",\"gitUrl\":\"" + repo.path() + "\"}").get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void a_project_deploys_redeploys_rolls_back_and_survives_a_failed_build() throws Exception {
        GitRepos repo = siteRepo("site", "hello v1");
        JsonNode project = user.ok("POST", "/api/v1/projects",
                "{\"name\":\"E2E Site\",\"gitUrl\":\"" + repo.path() + "\"}");
        String projectId = project.get("id").asText();
        assertThat(project.get("slug").asText()).isEqualTo("e2e-site");
        String siteHost = "e2e-site.localhost";
        assertThat(project.get("url").asText()).isEqualTo("http://" + siteHost + ":" + host.port());

        // First deployment goes live on the project's host, and the SPA serves deep routes.
        String first = deployAndAwait(projectId, "READY");
        assertThat(user.site(siteHost, "/").body()).contains("<h1>hello v1</h1>");
        ApiClient.Answer deep = user.site(siteHost, "/dashboard/settings");
        assertThat(deep.status()).isEqualTo(200);
        assertThat(deep.body()).contains("<h1>hello v1</h1>");
        ApiClient.Answer asset = user.site(siteHost, "/assets/app-3f9a1b2c.js");
        assertThat(asset.raw().headers().firstValue("cache-control")).hasValueSatisfying(v -> assertThat(v).contains("immutable"));
        assertThat(user.site(siteHost, "/missing.js").status()).isEqualTo(404);
        assertThat(user.ok("GET", "/api/v1/deployments/" + first, null).get("live").asBoolean()).isTrue();
        assertThat(user.logText(first)).contains("building with message: hello v1", "wrote dist/");
        // The deployments list says who wrote the commit, as Git recorded it.
        assertThat(user.ok("GET", "/api/v1/deployments/" + first, null).path("author").path("name").asText())
                .isEqualTo(GitRepos.AUTHOR_NAME);
        // ... and who deployed it: the signed-in user, still there after the build recorded the commit.
        assertThat(user.ok("GET", "/api/v1/deployments/" + first, null).path("triggeredBy").path("login").asText())
                .isEqualTo("e2e");

        // A pushed change, deployed again, replaces the live content; the first stays on its own host.
        repo.write("message.txt", "hello v2");
        repo.commit("second version");
        String second = deployAndAwait(projectId, "READY");
        assertThat(user.site(siteHost, "/").body()).contains("<h1>hello v2</h1>");
        assertThat(user.site(first + "--e2e-site.localhost", "/").body()).contains("<h1>hello v1</h1>");
        assertThat(user.ok("GET", "/api/v1/deployments/" + first, null).get("live").asBoolean()).isFalse();

        // Rollback: promote the first deployment, no rebuild.
        JsonNode rolledBack = user.ok("POST", "/api/v1/deployments/" + first + "/promote", null);
        assertThat(rolledBack.get("live").asBoolean()).isTrue();
        assertThat(user.site(siteHost, "/").body()).contains("<h1>hello v1</h1>");
        assertThat(user.ok("GET", "/api/v1/projects/" + projectId, null).get("liveDeploymentId").asText()).isEqualTo(first);
        assertThat(host.purger().purgedHosts()).contains(siteHost);
        // As on Vercel, a rollback stops new production deployments from going live by themselves.
        assertThat(user.ok("GET", "/api/v1/projects/" + projectId, null).get("autoPublish").asBoolean()).isFalse();
        repo.write("notes.txt", "after the rollback");
        repo.commit("pushed after the rollback");
        String afterRollback = deployAndAwait(projectId, "READY");
        assertThat(user.ok("GET", "/api/v1/deployments/" + afterRollback, null).get("live").asBoolean()).isFalse();
        assertThat(user.logText(afterRollback)).contains("Auto-publish is off");
        assertThat(user.site(siteHost, "/").body()).contains("<h1>hello v1</h1>");
        user.ok("PATCH", "/api/v1/projects/" + projectId, "{\"autoPublish\":true}");

        // Forward again, then a broken build: it fails with a useful error and the live site stays.
        user.ok("POST", "/api/v1/deployments/" + second + "/promote", null);
        repo.write("message.txt", "FAIL");
        repo.commit("broken version");
        String broken = deployAndAwait(projectId, "FAILED");
        JsonNode failed = user.ok("GET", "/api/v1/deployments/" + broken, null);
        assertThat(failed.get("error").asText()).contains("`npm run build` exited with code 3");
        assertThat(failed.get("live").asBoolean()).isFalse();
        assertThat(failed.get("url").isNull()).as("a failed deployment has no address to open").isTrue();
        assertThat(user.logText(broken)).contains("build.js: refusing to build FAIL");
        assertThat(user.site(siteHost, "/").body()).contains("<h1>hello v2</h1>");
        assertThat(user.site(broken + "--e2e-site.localhost", "/").status()).isEqualTo(404);
        assertThat(tmp.resolve("data/artifacts/sites/" + projectId + "/" + broken)).doesNotExist();

        // The failed build installed before it failed: the next build still starts from the build cache.
        repo.write("message.txt", "hello v3");
        repo.commit("fixed version");
        String fixed = deployAndAwait(projectId, "READY");
        assertThat(user.logText(fixed)).contains("Build cache restored from the previous build");
        assertThat(user.site(siteHost, "/").body()).contains("<h1>hello v3</h1>");
    }

    @Test
    void a_lockfile_that_does_not_match_package_json_falls_back_to_npm_install_with_a_warning_naming_the_mismatch() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("stale-lock"))
                .write("package.json", "{\"name\":\"site\",\"private\":true,\"scripts\":{\"build\":\"node build.js\"},"
                        + "\"dependencies\":{\"is-number\":\"7.0.0\"}}")
                .write("package-lock.json", "{\"name\":\"site\",\"lockfileVersion\":3,\"requires\":true,"
                        + "\"packages\":{\"\":{\"name\":\"site\"}}}")
                .write("build.js", BUILD_JS)
                .write("message.txt", "installed anyway");
        repo.commit("a dependency added without updating the lockfile");
        String projectId = user.ok("POST", "/api/v1/projects", "{\"name\":\"Stale Lock\",\"gitUrl\":\"" + repo.path() + "\"}")
                .get("id").asText();

        String id = deployAndAwait(projectId, "READY");
        assertThat(user.logText(id)).contains("Install: npm ci (package-lock.json is committed",
                "Warning: package-lock.json does not match package.json (Missing: is-number@7.0.0 from lock file)",
                "Install: npm install");
        assertThat(user.site("stale-lock.localhost", "/").body()).contains("<h1>installed anyway</h1>");
    }

    @Test
    void a_monorepo_deployed_from_its_root_fails_naming_the_apps_it_found_and_the_setting_to_choose_one() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("mono"))
                .write("package.json", "{\"name\":\"mono\",\"private\":true,\"workspaces\":[\"apps/*\"],"
                        + "\"scripts\":{\"build\":\"npm run build --workspaces --if-present\"}}")
                .write("apps/web/package.json", "{\"name\":\"web\",\"private\":true,\"scripts\":{\"build\":\"node build.js\"}}")
                .write("apps/web/build.js", "require('fs').mkdirSync('dist', {recursive: true});\n"
                        + "require('fs').writeFileSync('dist/index.html', '<h1>web</h1>');\n")
                .write("apps/notes/package.json", "{\"name\":\"notes\",\"private\":true}");
        repo.commit("two workspaces, one app");
        String projectId = user.ok("POST", "/api/v1/projects", "{\"name\":\"Mono Root\",\"gitUrl\":\"" + repo.path() + "\"}")
                .get("id").asText();

        String id = deployAndAwait(projectId, "FAILED");
        assertThat(user.ok("GET", "/api/v1/deployments/" + id, null).get("error").asText())
                .contains("this repository is a monorepo, with apps/web.", "Set rootDirectory to the app to deploy (for example apps/web)");
    }

    @Test
    void a_missing_output_directory_fails_with_the_fix_and_nothing_goes_live() throws Exception {
        GitRepos other = GitRepos.create(tmp.resolve("no-output"))
                .write("package.json", "{\"name\":\"x\",\"scripts\":{\"build\":\"node -e \\\"console.log('no files written')\\\"\"}}");
        other.commit("builds nothing");
        String projectId = user.ok("POST", "/api/v1/projects",
                "{\"name\":\"No Output\",\"gitUrl\":\"" + other.fileUrl() + "\",\"outputDirectory\":\"public\"}").get("id").asText();
        String id = deployAndAwait(projectId, "FAILED");
        assertThat(user.ok("GET", "/api/v1/deployments/" + id, null).get("error").asText())
                .isEqualTo("Output directory `public` not found after the build; set outputDirectory to the folder your build writes (for example dist, build or out).");
        assertThat(user.ok("GET", "/api/v1/projects/" + projectId, null).get("liveDeploymentId").isNull()).isTrue();
        assertThat(user.site("no-output.localhost", "/").body()).contains("No site is deployed");
    }

    @Test
    void a_repository_or_branch_that_does_not_exist_fails_with_a_message_naming_it() throws Exception {
        GitRepos repo = siteRepo("branchless", "hello");
        // A path with nothing there (or no repository) is refused before a project exists.
        ApiClient.Answer refused = user.call("POST", "/api/v1/projects",
                "{\"name\":\"Ghost\",\"gitUrl\":\"" + tmp.resolve("nowhere") + "\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error").path("message").asText()).contains("Nothing exists at " + tmp.resolve("nowhere"));
        Files.createDirectories(tmp.resolve("not-a-repo"));
        assertThat(user.call("POST", "/api/v1/projects", "{\"name\":\"Ghost\",\"gitUrl\":\"" + tmp.resolve("not-a-repo") + "\"}")
                .json().path("error").path("message").asText()).contains("not a Git repository");
        assertThat(user.ok("GET", "/api/v1/projects", null).toString()).doesNotContain("Ghost");

        // One that goes away after the import fails its build, naming the path.
        GitRepos gone = siteRepo("gone-later", "hello");
        String missingRepo = user.ok("POST", "/api/v1/projects",
                "{\"name\":\"Ghost\",\"gitUrl\":\"" + gone.path() + "\"}").get("id").asText();
        try (var files = Files.walk(gone.path())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        String id = deployAndAwait(missingRepo, "FAILED");
        assertThat(user.ok("GET", "/api/v1/deployments/" + id, null).get("error").asText())
                .contains(gone.path().toString());

        String project = user.ok("POST", "/api/v1/projects",
                "{\"name\":\"Wrong Branch\",\"gitUrl\":\"" + repo.path() + "\",\"productionBranch\":\"release\"}").get("id").asText();
        String wrong = deployAndAwait(project, "FAILED");
        assertThat(user.ok("GET", "/api/v1/deployments/" + wrong, null).get("error").asText())
                .contains("release").contains("main");
    }

    @Test
    void a_plain_html_repository_is_published_without_a_build_and_without_git_internals() throws Exception {
        GitRepos plain = GitRepos.create(tmp.resolve("plain"))
                .write("index.html", "<p>plain site</p>")
                .write("404.html", "<p>custom not found</p>")
                .write("css/site.css", "p{color:red}");
        plain.commit("static files");
        String projectId = imported("Plain", plain);
        String id = deployAndAwait(projectId, "READY");
        assertThat(user.site("plain.localhost", "/").body()).contains("plain site");
        ApiClient.Answer missing = user.site("plain.localhost", "/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("custom not found");
        assertThat(user.site("plain.localhost", "/css/site.css").raw().headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
        assertThat(user.site("plain.localhost", "/.git/HEAD").status()).isEqualTo(404);
        assertThat(user.ok("GET", "/api/v1/deployments/" + id, null).get("stats").get("files").asInt()).isEqualTo(3);
    }

    @Test
    void a_python_web_app_publishes_its_static_folder_and_never_its_source_and_one_without_static_files_deploys_too() throws Exception {
        GitRepos flask = GitRepos.create(tmp.resolve("flask"))
                .write("requirements.txt", "flask\n")
                .write("app.py", "from flask import Flask\napp = Flask(__name__)\nSECRET_KEY = 'do-not-publish'\n")
                .write("static/site.css", "p{color:red}");
        flask.commit("flask app");
        String id = deployAndAwait(imported("Flask site", flask), "READY");
        assertThat(user.site("flask-site.localhost", "/static/site.css").body()).isEqualTo("p{color:red}");
        assertThat(user.site("flask-site.localhost", "/app.py").body()).doesNotContain("do-not-publish");
        assertThat(user.ok("GET", "/api/v1/deployments/" + id, null).get("stats").get("files").asInt()).isEqualTo(1);

        GitRepos fastapi = GitRepos.create(tmp.resolve("fastapi"))
                .write("requirements.txt", "fastapi\n")
                .write("main.py", "from fastapi import FastAPI\napp = FastAPI()\n");
        fastapi.commit("fastapi app");
        deployAndAwait(imported("FastAPI site", fastapi), "READY");
    }

    @Test
    void a_repository_whose_site_is_its_docs_folder_publishes_that_folder_without_a_build() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("docs-folder"))
                .write("README.md", "# A library\n")
                .write("src/lib.c", "int answer(void) { return 42; }\n")
                .write("docs/index.html", "<p>the library's docs</p>")
                .write("docs/guide/index.html", "<p>the guide</p>");
        repo.commit("docs");
        String projectId = imported("Docs Folder", repo);
        String id = deployAndAwait(projectId, "READY");
        assertThat(user.logText(id)).contains("output `docs`").doesNotContain("Build: ");
        assertThat(user.site("docs-folder.localhost", "/").body()).contains("the library's docs");
        assertThat(user.site("docs-folder.localhost", "/guide/").body()).contains("the guide");
        assertThat(user.site("docs-folder.localhost", "/src/lib.c").status()).isEqualTo(404);
        // A page per file, as on Vercel and GitHub Pages: an unknown page is a 404, not the home page.
        ApiClient.Answer unknown = user.site("docs-folder.localhost", "/guide/no-such-page");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).doesNotContain("the library's docs");
        assertThat(user.logText(id)).contains("Unknown paths get a 404");
    }

    @Test
    void an_output_setting_written_as_an_expression_is_evaluated_and_the_log_says_what_was_assumed() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("expression-out"))
                .write("package.json", "{\"name\":\"x\",\"private\":true,\"scripts\":{\"build\":\"node build.js\"},\"devDependencies\":{\"vite\":\"7\"}}")
                .write("vite.config.js", "export default {\n  build: { outDir: process.env.OUT_DIR || 'build' },\n}\n")
                .write("build.js", "require('fs').mkdirSync('build');\nrequire('fs').writeFileSync('build/index.html', '<p>built into build/</p>');\n");
        repo.commit("vite-style config");
        // The install is skipped (installCommand), so the test needs no registry: the plan still comes from detection.
        String projectId = user.ok("POST", "/api/v1/projects", "{\"name\":\"Expression Out\",\"gitUrl\":\"" + repo.path()
                + "\",\"installCommand\":\"true\"}").get("id").asText();
        String id = deployAndAwait(projectId, "READY");
        assertThat(user.logText(id)).contains("output `build`", "warning: `outDir` in vite.config.js is "
                + "`process.env.OUT_DIR || 'build'`: assumed `build`, as if process.env.OUT_DIR were not set");
        assertThat(user.site("expression-out.localhost", "/").body()).contains("built into build/");
    }

    @Test
    void a_zola_site_on_a_builder_without_zola_fails_saying_how_to_install_it() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .noneMatch(dir -> Files.isExecutable(Path.of(dir, "zola"))), "zola is installed here");
        GitRepos repo = GitRepos.create(tmp.resolve("zola"))
                .write("config.toml", "base_url = \"https://example.com\"\ncompile_sass = false\n")
                .write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
                .write("templates/index.html", "<h1>{{ section.title }}</h1>");
        repo.commit("zola init");
        String projectId = imported("Zola Site", repo);
        String id = deployAndAwait(projectId, "FAILED");
        assertThat(user.logText(id)).contains("Zola: install (none), build `zola build`, output `public`");
        assertThat(user.ok("GET", "/api/v1/deployments/" + id, null).get("error").asText())
                .startsWith("`zola` is not installed where builds run (exit code 127). Install Zola on the builder");
    }

    @Test
    void canceling_a_running_build_stops_it_within_seconds_and_keeps_the_live_site() throws Exception {
        GitRepos slow = siteRepo("slow", "fast");
        String projectId = user.ok("POST", "/api/v1/projects",
                "{\"name\":\"Slow\",\"gitUrl\":\"" + slow.path() + "\"}").get("id").asText();
        deployAndAwait(projectId, "READY");
        slow.write("message.txt", "SLOW");
        slow.commit("slow");
        String id = user.ok("POST", "/api/v1/projects/" + projectId + "/deployments", "{}").get("id").asText();
        awaitLog(id, "building with message: SLOW");
        long start = System.nanoTime();
        assertThat(user.ok("POST", "/api/v1/deployments/" + id + "/cancel", null).get("status").asText()).isEqualTo("CANCELED");
        awaitLog(id, "Build canceled.");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(user.site("slow.localhost", "/").body()).contains("<h1>fast</h1>");
    }

    @Test
    void the_log_streams_as_server_sent_events_until_the_build_ends() throws Exception {
        GitRepos repo = siteRepo("streamed", "streamed");
        String projectId = user.ok("POST", "/api/v1/projects",
                "{\"name\":\"Streamed\",\"gitUrl\":\"" + repo.path() + "\"}").get("id").asText();
        String id = user.ok("POST", "/api/v1/projects/" + projectId + "/deployments", "{}").get("id").asText();
        HttpResponse<String> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + host.port() + "/api/v1/deployments/" + id + "/logs/stream"))
                .header("authorization", "Bearer " + user.token).timeout(BUILD).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(stream.body()).contains("event: line", "building with message:", "event: end", "\"status\":\"READY\"");
        assertThat(stream.body().indexOf("id: 1\n")).isLessThan(stream.body().indexOf("id: 2\n"));
    }

    private static String deployAndAwait(String projectId, String expected) throws Exception {
        JsonNode created = user.ok("POST", "/api/v1/projects/" + projectId + "/deployments", "{}");
        assertThat(created.get("status").asText()).isEqualTo("QUEUED");
        String id = created.get("id").asText();
        JsonNode done = user.awaitFinal(id, BUILD);
        assertThat(done.get("status").asText())
                .as("deployment %s ended %s: %s%nlog:%n%s", id, done.get("status"), done.get("error"), user.logText(id))
                .isEqualTo(expected);
        return id;
    }

    private static void awaitLog(String deploymentId, String text) throws Exception {
        long deadline = System.nanoTime() + BUILD.toNanos();
        while (System.nanoTime() < deadline) {
            if (user.logText(deploymentId).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("log of " + deploymentId + " never showed \"" + text + "\":\n" + user.logText(deploymentId));
    }
}
