package io.miaobu.functions.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.TestPostgres;
import io.miaobu.testkit.github.FakeGitHub;
import io.miaobu.testkit.github.GitHubPayloads;
import io.miaobu.testkit.github.GitHubPayloads.Commit;
import io.miaobu.testkit.github.GitHubPayloads.Delivery;
import io.miaobu.testkit.github.GitHubPayloads.Repo;
import io.miaobu.testkit.github.GitHubSignInFlow;
import java.nio.file.Path;
import java.security.SecureRandom;
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
 * Deliveries are GitHub's payload shapes, signed with the operator's secret. What the intake does with
 * each event (redeliveries, signatures, previews, pull requests, deleted branches, root directories)
 * is WebhookIntakeTest's, on the in-memory core; here, that a delivery reaches it through the function. Importing and deleting
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
