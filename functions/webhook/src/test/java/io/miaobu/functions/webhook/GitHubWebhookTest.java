package io.miaobu.functions.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.local.FileRouteTable;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.TestPostgres;
import io.miaobu.testkit.github.FakeGitHub;
import io.miaobu.testkit.github.GitHubPayloads;
import io.miaobu.testkit.github.GitHubPayloads.Commit;
import io.miaobu.testkit.github.GitHubPayloads.Delivery;
import io.miaobu.testkit.github.GitHubPayloads.Repo;
import io.miaobu.testkit.github.GitHubSignInFlow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Importing GitHub repositories, webhook intake and deploy hooks, through the webhook function's
 * router as FunctionRuntime wires it, with real PostgreSQL and a local server speaking GitHub's API.
 * Deliveries are GitHub's payload shapes, signed with the operator's secret. Importing and deleting
 * projects are the api function's routes: here they run beside the webhook's, so this runtime also has
 * the (local) artifact store that deleting a project empties.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitHubWebhookTest {
    static final String PUBLIC_URL = "https://miaobu.example.com";
    static final String SECRET = "whsec-7c0a4f1e9b2d8c3a6f5e4d3c2b1a0f9e";
    static final AtomicLong REPO_IDS = new AtomicLong(700_100_000);

    @TempDir
    static Path tmp;

    FakeGitHub github;
    FunctionRuntime runtime;
    RouterClient anonymous;
    RouterClient mona;

    @BeforeAll
    void start() throws Exception {
        github = FakeGitHub.start().addUser(new FakeGitHub.User(9919, "mona", "Mona Lisa", null, "mona@example.com", true));
        Map<String, String> env = new LinkedHashMap<>(github.env());
        env.put("MIAOBU_DATABASE_URL", TestPostgres.migratedDatabase());
        env.put("MIAOBU_SECRET_KEY", FunctionProcess.randomSecretKey());
        env.put("MIAOBU_DATA_DIR", tmp.toString());
        env.put("MIAOBU_PUBLIC_URL", PUBLIC_URL);
        env.put("MIAOBU_BASE_DOMAIN", "miaobu.app");
        env.put("MIAOBU_GITHUB_WEBHOOK_SECRET", SECRET);
        runtime = FunctionRuntime.fromEnvironment(env,
                WebhookFunction.ADAPTERS.artifactStore((aliyun, credentials) -> Optional.empty()));
        anonymous = RouterClient.checked(runtime.platform().router());
        mona = anonymous.as(GitHubSignInFlow.signIn(anonymous, github, "mona").token());
    }

    @AfterAll
    void stop() {
        runtime.close();
        github.close();
    }

    /** A repository on GitHub that mona administers, named uniquely for the test. */
    private Repo repo(String name, String defaultBranch) {
        Repo repo = new Repo(REPO_IDS.incrementAndGet(), "octo-org/" + name);
        github.addRepo(new FakeGitHub.Repo(repo.id(), repo.fullName(), defaultBranch, true,
                "https://github.com/" + repo.fullName() + ".git", Set.of(), Set.of("mona")));
        return repo;
    }

    private JsonNode importRepo(Repo repo, String extraJson) {
        return mona.ok("POST", "/api/v1/projects", "{\"githubRepository\":\"" + repo.fullName() + "\"" + extraJson + "}");
    }

    private RouterClient.Reply deliver(Delivery delivery) {
        return deliver(delivery, delivery.headers(SECRET));
    }

    private RouterClient.Reply deliver(Delivery delivery, Map<String, List<String>> headers) {
        return anonymous.as(null).call("POST", "/webhooks/github", headers, delivery.body());
    }

    private JsonNode deployments(String projectId) {
        return mona.ok("GET", "/api/v1/projects/" + projectId + "/deployments", null);
    }

    private static String sha() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Delivery push(Repo repo, String branch, String sha, String... files) {
        return GitHubPayloads.push(repo, branch, sha(), List.of(Commit.modifying(sha, "Change " + String.join(", ", files), files)));
    }

    // ---------------------------------------------------------------- import

    @Test
    void importing_a_repository_fills_in_the_project_and_creates_the_webhook() {
        Repo repo = repo("importable", "trunk");

        JsonNode project = importRepo(repo, "");

        assertThat(project.path("name").asText()).isEqualTo("importable");
        assertThat(project.path("githubRepository").asText()).isEqualTo(repo.fullName());
        assertThat(project.path("gitUrl").asText()).isEqualTo("https://github.com/" + repo.fullName() + ".git");
        assertThat(project.path("productionBranch").asText()).isEqualTo("trunk");
        List<JsonNode> hooks = github.hooks(repo.fullName());
        assertThat(hooks).hasSize(1);
        JsonNode stored = github.storedHook(repo.fullName(), hooks.get(0).path("id").asLong());
        assertThat(stored.path("config").path("url").asText()).isEqualTo(PUBLIC_URL + "/webhooks/github");
        assertThat(stored.path("config").path("content_type").asText()).isEqualTo("json");
        assertThat(stored.path("config").path("secret").asText()).isEqualTo(SECRET);
        assertThat(stored.path("config").path("insecure_ssl").asText()).isEqualTo("0");
        assertThat(stored.path("events")).extracting(JsonNode::asText).containsExactly("push", "pull_request");
        FakeGitHub.Recorded create = github.requests("POST", "/api/v3/repos/" + repo.fullName() + "/hooks").get(0);
        assertThat(create.header("authorization")).startsWith("Bearer gho_");
    }

    @Test
    void a_second_project_of_the_same_repository_reuses_its_hook_which_goes_with_the_last_project() {
        Repo repo = repo("monorepo", "main");
        String web = importRepo(repo, ",\"name\":\"mono web\",\"rootDirectory\":\"apps/web\"").path("id").asText();
        String docs = importRepo(repo, ",\"name\":\"mono docs\",\"rootDirectory\":\"apps/docs\"").path("id").asText();

        assertThat(github.hooks(repo.fullName())).hasSize(1);
        assertThat(github.requests("POST", "/api/v3/repos/" + repo.fullName() + "/hooks")).hasSize(1);

        mona.ok("DELETE", "/api/v1/projects/" + web, null);
        assertThat(github.hooks(repo.fullName())).hasSize(1);
        mona.ok("DELETE", "/api/v1/projects/" + docs, null);
        assertThat(github.hooks(repo.fullName())).isEmpty();
        assertThat(github.requests("DELETE", "/api/v3/repos/" + repo.fullName() + "/hooks/")).hasSize(1);
    }

    @Test
    void importing_without_admin_rights_on_the_repository_fails_and_leaves_no_project() {
        Repo repo = new Repo(REPO_IDS.incrementAndGet(), "octo-org/read-only");
        github.addRepo(new FakeGitHub.Repo(repo.id(), repo.fullName(), "main", false,
                "https://github.com/octo-org/read-only.git", Set.of("mona"), Set.of()));
        int before = mona.ok("GET", "/api/v1/projects", null).size();

        RouterClient.Reply refused = mona.call("POST", "/api/v1/projects", "{\"githubRepository\":\"" + repo.fullName() + "\"}");

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.errorCode()).isEqualTo("github_hook_denied");
        assertThat(mona.ok("GET", "/api/v1/projects", null).size()).isEqualTo(before);
        assertThat(mona.call("POST", "/api/v1/projects", "{\"githubRepository\":\"octo-org/nope\"}").errorCode())
                .isEqualTo("github_repository_not_found");
    }

    @Test
    void importing_needs_a_connected_github_account() {
        String email = anonymous.ok("POST", "/api/v1/auth/register",
                "{\"email\":\"no-github@example.com\",\"password\":\"correct horse battery\"}").path("token").asText();
        RouterClient.Reply r = anonymous.as(email).call("POST", "/api/v1/projects", "{\"githubRepository\":\"octo-org/site\"}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("github_not_connected");
        assertThat(anonymous.as(email).call("GET", "/api/v1/github/repositories", null).errorCode()).isEqualTo("github_not_connected");
    }

    @Test
    void the_signed_in_user_lists_their_repositories_page_by_page() {
        for (int i = 0; i < 120; i++) {
            repo(String.format("listed-%03d", i), "main");
        }
        JsonNode first = mona.ok("GET", "/api/v1/github/repositories", null);
        assertThat(first.path("repositories").size()).isEqualTo(100);
        assertThat(first.path("nextPage").asInt()).isEqualTo(2);
        JsonNode repository = first.path("repositories").get(0);
        assertThat(repository.has("private")).isTrue();
        assertThat(repository.has("defaultBranch")).isTrue();
        JsonNode second = mona.ok("GET", "/api/v1/github/repositories?page=2", null);
        assertThat(second.path("repositories").size()).isGreaterThanOrEqualTo(20);
        assertThat(mona.call("GET", "/api/v1/github/repositories?page=zero", null).status()).isEqualTo(400);
    }

    // ---------------------------------------------------------------- intake

    @Test
    void a_signed_push_to_the_production_branch_queues_a_production_deployment_of_that_commit() {
        Repo repo = repo("pushed", "main");
        String project = importRepo(repo, "").path("id").asText();
        String sha = sha();

        RouterClient.Reply r = deliver(push(repo, "main", sha, "index.html"));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode d = deployments(project).get(0);
        assertThat(d.path("status").asText()).isEqualTo("QUEUED");
        assertThat(d.path("target").asText()).isEqualTo("production");
        assertThat(d.path("branch").asText()).isEqualTo("main");
        assertThat(d.path("commit").asText()).isEqualTo(sha);
        assertThat(r.json().path("deployments").get(0).path("deploymentId").asText()).isEqualTo(d.path("id").asText());
    }

    @Test
    void a_pushed_deployment_shows_who_wrote_the_commit_with_their_github_avatar() {
        Repo repo = repo("authored", "main");
        String project = importRepo(repo, "").path("id").asText();

        deliver(push(repo, "main", sha(), "index.html"));

        JsonNode author = deployments(project).get(0).path("author");
        assertThat(deployments(project).get(0).path("trigger").asText()).isEqualTo("push");
        assertThat(deployments(project).get(0).path("triggeredBy").isNull()).as("a push's who is its author").isTrue();
        assertThat(author.path("name").asText()).isEqualTo("Mona Lisa");
        assertThat(author.path("login").asText()).isEqualTo("mona");
        assertThat(author.path("avatarUrl").asText()).isEqualTo("https://avatars.githubusercontent.com/u/9919?v=4");
    }

    @Test
    void a_redelivered_event_creates_no_second_deployment() {
        Repo repo = repo("redelivered", "main");
        String project = importRepo(repo, "").path("id").asText();
        Delivery delivery = push(repo, "main", sha(), "index.html");

        assertThat(deliver(delivery).status()).isEqualTo(200);
        RouterClient.Reply again = deliver(delivery);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        assertThat(deployments(project).size()).isEqualTo(1);
    }

    @Test
    void a_push_to_another_branch_is_a_preview_and_a_newer_push_cancels_the_older_queued_build() {
        Repo repo = repo("previews", "main");
        String project = importRepo(repo, "").path("id").asText();
        String first = sha();
        String second = sha();

        deliver(push(repo, "feature/pricing", first, "pricing.html"));
        deliver(push(repo, "hotfix", sha(), "index.html"));
        RouterClient.Reply r = deliver(push(repo, "feature/pricing", second, "pricing.html"));

        assertThat(r.json().path("deployments").get(0).path("branchUrl").asText())
                .isEqualTo("https://feature-pricing--previews.miaobu.app");
        JsonNode all = deployments(project);
        assertThat(all.size()).isEqualTo(3);
        JsonNode newest = all.get(0);
        assertThat(newest.path("commit").asText()).isEqualTo(second);
        assertThat(newest.path("status").asText()).isEqualTo("QUEUED");
        assertThat(newest.path("target").asText()).isEqualTo("preview");
        JsonNode hotfix = all.get(1);
        assertThat(hotfix.path("branch").asText()).isEqualTo("hotfix");
        assertThat(hotfix.path("status").asText()).as("other branches are not canceled").isEqualTo("QUEUED");
        JsonNode older = all.get(2);
        assertThat(older.path("commit").asText()).isEqualTo(first);
        assertThat(older.path("status").asText()).isEqualTo("CANCELED");
        assertThat(older.path("error").asText()).contains("Superseded by commit " + second.substring(0, 7));
    }

    @Test
    void a_bad_or_missing_signature_is_refused_before_the_body_is_read() {
        Repo repo = repo("unsigned", "main");
        String project = importRepo(repo, "").path("id").asText();
        Delivery delivery = push(repo, "main", sha(), "index.html");

        Map<String, List<String>> forged = new LinkedHashMap<>(delivery.headers("not the secret"));
        assertThat(deliver(delivery, forged).status()).isEqualTo(401);
        Map<String, List<String>> unsigned = new LinkedHashMap<>(delivery.headers(SECRET));
        unsigned.remove("X-Hub-Signature-256");
        RouterClient.Reply missing = deliver(delivery, unsigned);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.errorCode()).isEqualTo("invalid_signature");
        Delivery garbage = new Delivery("push", "garbage-1", "{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(deliver(garbage, garbage.headers("wrong")).status()).as("no parsing before the signature").isEqualTo(401);
        Delivery tampered = new Delivery("push", delivery.id(), new String(delivery.body(), StandardCharsets.UTF_8)
                .replace("refs/heads/main", "refs/heads/mainx").getBytes(StandardCharsets.UTF_8));
        assertThat(deliver(tampered, delivery.headers(SECRET)).status()).isEqualTo(401);

        assertThat(deployments(project).size()).isZero();
        assertThat(deliver(delivery).status()).as("refused deliveries were not recorded as seen").isEqualTo(200);
        assertThat(deployments(project).size()).isEqualTo(1);
    }

    @Test
    void a_form_encoded_delivery_is_refused_with_the_setting_to_change() {
        Repo repo = repo("form-encoded", "main");
        importRepo(repo, "");
        byte[] form = ("payload=" + java.net.URLEncoder.encode(new String(push(repo, "main", sha(), "a").body(),
                StandardCharsets.UTF_8), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        Delivery delivery = new Delivery("push", "form-1", form);
        Map<String, List<String>> headers = new LinkedHashMap<>(delivery.headers(SECRET));
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));

        RouterClient.Reply r = deliver(delivery, headers);

        assertThat(r.status()).isEqualTo(415);
        assertThat(r.json().path("error").path("message").asText()).contains("application/json");
    }

    @Test
    void a_body_over_25_mib_is_413() {
        byte[] big = new byte[25 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        Delivery delivery = new Delivery("push", "big-1", big);

        RouterClient.Reply r = deliver(delivery);

        assertThat(r.status()).isEqualTo(413);
        byte[] atLimit = new byte[25 * 1024 * 1024];
        java.util.Arrays.fill(atLimit, (byte) ' ');
        atLimit[0] = '{';
        atLimit[atLimit.length - 1] = '}';
        assertThat(deliver(new Delivery("ping", "big-2", atLimit)).status()).as("25 MiB exactly is accepted").isEqualTo(200);
    }

    @Test
    void a_ping_is_answered_and_an_unknown_repository_is_ignored_with_202() {
        Repo unknown = new Repo(REPO_IDS.incrementAndGet(), "someone/else");

        RouterClient.Reply ping = deliver(GitHubPayloads.ping(unknown, 480012345));
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.json().path("zen").asText()).isNotBlank();

        RouterClient.Reply push = deliver(push(unknown, "main", sha(), "index.html"));
        assertThat(push.status()).isEqualTo(202);
        assertThat(push.json().path("ignored").asText()).contains("someone/else");
    }

    @Test
    void deleting_a_branch_removes_its_preview_host_and_its_queued_builds() throws Exception {
        Repo repo = repo("deleted-branch", "main");
        JsonNode project = importRepo(repo, "");
        String host = "old-feature--deleted-branch.miaobu.app";
        FileRouteTable routes = new FileRouteTable(tmp.resolve("routes"));
        routes.put(host, new RouteEntry("d0000000000000000", "sites/x/d0000000000000000/", RouteConfig.DEFAULTS, Instant.now()));
        deliver(push(repo, "old-feature", sha(), "index.html"));

        RouterClient.Reply r = deliver(GitHubPayloads.branchDeleted(repo, "old-feature", sha()));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("removedHosts").get(0).asText()).isEqualTo(host);
        assertThat(routes.get(host)).isEmpty();
        JsonNode queued = deployments(project.path("id").asText()).get(0);
        assertThat(queued.path("status").asText()).isEqualTo("CANCELED");
        assertThat(queued.path("error").asText()).contains("old-feature was deleted");
    }

    @Test
    void a_pull_request_deploys_its_head_once_and_forks_and_closed_ones_are_ignored() {
        Repo repo = repo("pulls", "main");
        String project = importRepo(repo, "").path("id").asText();
        String head = sha();

        RouterClient.Reply opened = deliver(GitHubPayloads.pullRequest("opened", repo, 7, "feature/pricing", head, repo));
        assertThat(opened.status()).isEqualTo(200);
        JsonNode d = deployments(project).get(0);
        assertThat(d.path("branch").asText()).isEqualTo("feature/pricing");
        assertThat(d.path("commit").asText()).isEqualTo(head);
        assertThat(d.path("target").asText()).isEqualTo("preview");

        // The push of the same commit and a synchronize of it add nothing new for that commit.
        RouterClient.Reply sync = deliver(GitHubPayloads.pullRequest("synchronize", repo, 7, "feature/pricing", head, repo));
        assertThat(sync.json().path("deployments").get(0).path("deploymentId").asText()).isEqualTo(d.path("id").asText());
        assertThat(deployments(project).size()).isEqualTo(1);
        String next = sha();
        deliver(GitHubPayloads.pullRequest("synchronize", repo, 7, "feature/pricing", next, repo));
        assertThat(deployments(project).get(0).path("commit").asText()).isEqualTo(next);

        Repo fork = new Repo(REPO_IDS.incrementAndGet(), "stranger/pulls");
        RouterClient.Reply fromFork = deliver(GitHubPayloads.pullRequest("opened", repo, 8, "main", sha(), fork));
        assertThat(fromFork.status()).isEqualTo(202);
        assertThat(fromFork.json().path("ignored").asText()).contains("fork");
        assertThat(deliver(GitHubPayloads.pullRequest("closed", repo, 7, "feature/pricing", next, repo)).status()).isEqualTo(202);
        assertThat(deployments(project).size()).isEqualTo(2);
    }

    @Test
    void a_push_that_changes_nothing_under_the_root_directory_is_skipped_and_says_so_in_its_log() {
        Repo repo = repo("rooted", "main");
        String project = importRepo(repo, ",\"rootDirectory\":\"apps/web\"").path("id").asText();

        deliver(push(repo, "main", sha(), "docs/README.md", "apps/api/server.js"));
        JsonNode skipped = deployments(project).get(0);
        assertThat(skipped.path("status").asText()).isEqualTo("CANCELED");
        assertThat(skipped.path("error").asText()).contains("no file under `apps/web`");
        JsonNode log = mona.ok("GET", "/api/v1/deployments/" + skipped.path("id").asText() + "/logs", null);
        assertThat(log.path("lines").get(0).path("text").asText()).startsWith("Skipped: this push changed no file under `apps/web`");

        deliver(push(repo, "main", sha(), "apps/web/index.html"));
        assertThat(deployments(project).get(0).path("status").asText()).isEqualTo("QUEUED");
    }

    // ---------------------------------------------------------------- deploy hooks

    @Test
    void a_deploy_hook_url_builds_its_branch_and_an_unknown_one_is_404() {
        Repo repo = repo("hooked", "main");
        String project = importRepo(repo, "").path("id").asText();

        JsonNode hook = mona.ok("POST", "/api/v1/projects/" + project + "/hooks", "{\"name\":\"CMS\",\"branch\":\"staging\"}");
        String url = hook.path("url").asText();
        assertThat(url).startsWith(PUBLIC_URL + "/hooks/deploy/t");
        assertThat(mona.ok("GET", "/api/v1/projects/" + project + "/hooks", null).get(0).has("url"))
                .as("the URL is shown once").isFalse();

        RouterClient.Reply triggered = anonymous.as(null).call("POST", url.substring(PUBLIC_URL.length()), null);
        assertThat(triggered.status()).isEqualTo(201);
        assertThat(triggered.json().path("deployment").path("branch").asText()).isEqualTo("staging");
        assertThat(triggered.json().path("deployment").path("status").asText()).isEqualTo("QUEUED");
        assertThat(deployments(project).get(0).path("branch").asText()).isEqualTo("staging");
        assertThat(deployments(project).get(0).path("trigger").asText()).isEqualTo("hook");
        assertThat(deployments(project).get(0).path("hookName").asText()).isEqualTo("CMS");
        assertThat(deployments(project).get(0).path("triggeredBy").isNull()).as("no user called the hook").isTrue();

        assertThat(anonymous.as(null).call("POST", "/hooks/deploy/tnotarealtoken000000000000000000000", null).status()).isEqualTo(404);
        String other = anonymous.ok("POST", "/api/v1/auth/register",
                "{\"email\":\"other@example.com\",\"password\":\"correct horse battery\"}").path("token").asText();
        assertThat(anonymous.as(other).call("POST", "/api/v1/projects/" + project + "/hooks", "{\"name\":\"x\"}").status())
                .isEqualTo(404);

        mona.ok("DELETE", "/api/v1/projects/" + project + "/hooks/" + hook.path("id").asText(), null);
        assertThat(anonymous.as(null).call("POST", url.substring(PUBLIC_URL.length()), null).status()).isEqualTo(404);
        assertThat(deployments(project).get(0).path("hookName").asText()).as("a deleted hook's deployments keep its name").isEqualTo("CMS");
    }
}
