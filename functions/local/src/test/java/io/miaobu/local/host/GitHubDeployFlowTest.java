package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import io.miaobu.testkit.GitHttpServer;
import io.miaobu.testkit.GitRepos;
import io.miaobu.testkit.github.FakeGitHub;
import io.miaobu.testkit.github.GitHubPayloads;
import io.miaobu.testkit.github.GitHubPayloads.Commit;
import io.miaobu.testkit.github.GitHubPayloads.Delivery;
import io.miaobu.testkit.github.GitHubPayloads.Repo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git as the source of truth, end to end through the local host: sign in with GitHub (a local
 * server speaking GitHub's API), import a private repository (served over smart HTTP, readable only
 * with the user's token), and let signed push webhooks build previews on branch hosts and production
 * on the project's host, reporting each build back to GitHub as a commit status.
 */
class GitHubDeployFlowTest {
    private static final Duration BUILD = Duration.ofSeconds(90);
    private static final String SECRET = "whsec-e2e-0f9e8d7c6b5a49382716";
    private static final Repo REPO = new Repo(700100200, "octo-org/site");
    private static final String BUILD_JS = """
            const fs = require('fs');
            const message = fs.readFileSync('message.txt', 'utf8').trim();
            console.log('building with message: ' + message);
            if (message === 'FAIL') { console.error('build.js: refusing to build FAIL'); process.exit(3); }
            fs.mkdirSync('dist', { recursive: true });
            fs.writeFileSync('dist/index.html', '<!doctype html><h1>' + message + '</h1>');
            """;
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    static Path tmp;

    static FakeGitHub github;
    static LocalHost host;
    static GitRepos repo;
    static GitHttpServer gitServer;
    static ApiClient user;
    static String githubToken;
    static String projectId;

    @BeforeAll
    static void start() throws Exception {
        github = FakeGitHub.start().addUser(new FakeGitHub.User(9919, "mona", "Mona Lisa", null, "mona@example.com", true));
        Map<String, String> env = new HashMap<>(github.env());
        env.put("MIAOBU_GITHUB_WEBHOOK_SECRET", SECRET);
        host = TestHosts.start(tmp, env);
        user = new ApiClient(host.port());
        user.token = signInWithGitHub();
        githubToken = github.requests("GET", "/api/v3/user").get(0).header("authorization").substring("Bearer ".length());

        repo = GitRepos.create(tmp.resolve("site"))
                .write("package.json", "{\"name\":\"site\",\"private\":true,\"scripts\":{\"build\":\"node build.js\"}}")
                .write("build.js", BUILD_JS)
                .write("message.txt", "production v1");
        repo.commit("first version");
        // Private: the Git server answers only to the signed-in user's GitHub token.
        gitServer = GitHttpServer.serveWithBasicAuth(repo.path(), "x-access-token", githubToken);
        github.addRepo(new FakeGitHub.Repo(REPO.id(), REPO.fullName(), "main", true, gitServer.url(), Set.of(), Set.of("mona")));
        projectId = user.ok("POST", "/api/v1/projects", "{\"githubRepository\":\"" + REPO.fullName() + "\"}").get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (gitServer != null) {
            gitServer.close();
        }
        if (github != null) {
            github.close();
        }
    }

    /** The browser's round trip: Miaobu's start page, GitHub's authorize page, Miaobu's callback with the cookie. */
    private static String signInWithGitHub() throws Exception {
        HttpResponse<String> start = get("http://127.0.0.1:" + host.port() + "/oauth/github/start", null);
        assertThat(start.statusCode()).isEqualTo(302);
        String cookie = start.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        github.signInAs("mona");
        String callback = get(start.headers().firstValue("location").orElseThrow(), null).headers().firstValue("location").orElseThrow();
        assertThat(callback).startsWith("http://localhost:" + host.port() + "/oauth/github/callback?");
        HttpResponse<String> landed = get(callback.replace("http://localhost:", "http://127.0.0.1:"), cookie);
        String location = landed.headers().firstValue("location").orElseThrow();
        assertThat(location).startsWith("http://localhost:" + host.port() + "/#token=");
        return location.substring(location.indexOf("#token=") + 7);
    }

    @Test
    void pushes_build_previews_on_branch_hosts_and_production_on_the_project_host_reporting_to_github() throws Exception {
        assertThat(github.hooks(REPO.fullName())).hasSize(1);
        assertThat(user.ok("GET", "/api/v1/projects/" + projectId, null).get("gitUrl").asText()).isEqualTo(gitServer.url());

        // A push to a feature branch: a preview, served on the branch's host.
        repo.branch("feature/pricing").write("message.txt", "pricing v1");
        String v1 = repo.commit("pricing page");
        String preview = deliverPush("feature/pricing", v1, "READY");
        assertThat(user.site("feature-pricing--site.localhost", "/").body()).contains("<h1>pricing v1</h1>");
        assertThat(user.site("site.localhost", "/").body()).as("previews never go live").contains("No site is deployed");
        JsonNode d = user.ok("GET", "/api/v1/deployments/" + preview, null);
        assertThat(d.get("target").asText()).isEqualTo("preview");
        assertThat(d.get("commit").asText()).isEqualTo(v1);

        // The clone used the token, which never shows in the log.
        assertThat(gitServer.authorizations).contains("Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + githubToken).getBytes()));
        String log = user.logText(preview);
        assertThat(log).contains("Cloning " + gitServer.url()).contains("building with message: pricing v1").doesNotContain(githubToken);

        // GitHub hears about it: pending while building, success with the deployment's URL.
        List<JsonNode> statuses = finalStatuses(v1);
        assertThat(statuses).extracting(s -> s.get("state").asText()).containsExactly("pending", "success");
        assertThat(statuses.get(1).get("target_url").asText()).isEqualTo(d.get("url").asText());
        assertThat(statuses.get(1).get("context").asText()).isEqualTo("miaobu/site");
        assertThat(github.requests("POST", "/api/v3/repos/" + REPO.fullName() + "/statuses/"))
                .allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer " + githubToken));

        // A newer push to the branch moves the branch host; the older deployment keeps its own host.
        repo.write("message.txt", "pricing v2");
        String v2 = repo.commit("pricing page, take two");
        deliverPush("feature/pricing", v2, "READY");
        assertThat(user.site("feature-pricing--site.localhost", "/").body()).contains("<h1>pricing v2</h1>");
        assertThat(user.site(preview + "--site.localhost", "/").body()).contains("<h1>pricing v1</h1>");

        // A broken build fails on GitHub with a link to its log, and the branch host stays on v2.
        repo.write("message.txt", "FAIL");
        String broken = repo.commit("broken");
        String failed = deliverPush("feature/pricing", broken, "FAILED");
        JsonNode failure = finalStatuses(broken).get(1);
        assertThat(failure.get("state").asText()).isEqualTo("failure");
        assertThat(failure.get("target_url").asText()).isEqualTo("http://localhost:" + host.port() + "/deployments/" + failed);
        assertThat(failure.get("description").asText()).contains("exited with code 3");
        assertThat(user.site("feature-pricing--site.localhost", "/").body()).contains("<h1>pricing v2</h1>");

        // A push to the production branch goes live.
        repo.checkout("main").write("message.txt", "production v2");
        String prod = repo.commit("production release");
        String live = deliverPush("main", prod, "READY");
        assertThat(user.site("site.localhost", "/").body()).contains("<h1>production v2</h1>");
        assertThat(user.ok("GET", "/api/v1/deployments/" + live, null).get("live").asBoolean()).isTrue();
        assertThat(finalStatuses(prod).get(1).get("description").asText()).isEqualTo("Deployed to production");

        // Deleting the branch takes its preview host down; production stays.
        HttpResponse<String> deleted = deliver(GitHubPayloads.branchDeleted(REPO, "feature/pricing", broken));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(user.site("feature-pricing--site.localhost", "/").body()).contains("No site is deployed");
        assertThat(user.site("site.localhost", "/").body()).contains("<h1>production v2</h1>");

        // No build workspace kept the token anywhere on disk.
        try (Stream<Path> files = Files.walk(tmp.resolve("data"))) {
            assertThat(files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/postgres/"))
                    .filter(p -> contains(p, githubToken)).toList()).isEmpty();
        }
    }

    /**
     * The commit's statuses once the final one arrived: it is posted after the deployment shows
     * READY/FAILED (and after a promote), so a loaded machine can ask before it is there.
     */
    private static List<JsonNode> finalStatuses(String sha) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<JsonNode> statuses = github.statuses(REPO.fullName(), sha);
        while (statuses.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            statuses = github.statuses(REPO.fullName(), sha);
        }
        return statuses;
    }

    private static String deliverPush(String branch, String sha, String expected) throws Exception {
        HttpResponse<String> answer = deliver(GitHubPayloads.push(REPO, branch, "0".repeat(40).replace('0', 'a'),
                List.of(Commit.modifying(sha, "change", "message.txt"))));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String id = Json.MAPPER.readTree(answer.body()).get("deployments").get(0).get("deploymentId").asText();
        JsonNode done = user.awaitFinal(id, BUILD);
        assertThat(done.get("status").asText()).as("%s%n%s", done, user.logText(id)).isEqualTo(expected);
        return id;
    }

    private static HttpResponse<String> deliver(Delivery delivery) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + "/webhooks/github"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
        delivery.headers(SECRET).forEach((name, values) -> {
            if (!name.equalsIgnoreCase("user-agent")) {
                request.header(name, values.get(0));
            }
        });
        request.header("User-Agent", "GitHub-Hookshot/5e3e1f2");
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (cookie != null) {
            request.header("cookie", cookie);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
