package io.miaobu.core;

import static io.miaobu.testkit.memory.InMemoryCore.WEBHOOK_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.auth.User;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.github.RepositoryLink;
import io.miaobu.http.Router;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.RouterClient.Reply;
import io.miaobu.testkit.github.GitHubPayloads;
import io.miaobu.testkit.github.GitHubPayloads.Commit;
import io.miaobu.testkit.github.GitHubPayloads.Delivery;
import io.miaobu.testkit.github.GitHubPayloads.Repo;
import io.miaobu.testkit.memory.InMemoryCore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * WebhookIntake on in-memory adapters, receiving GitHub's own payloads at {@code POST /webhooks/github}:
 * signed pushes and pull requests become queued deployments, redeliveries do nothing, and a delivery
 * whose processing failed is processed when GitHub sends it again.
 */
class WebhookIntakeTest {
    private static final Repo REPO = new Repo(4242, "acme/shop");

    final InMemoryCore core = new InMemoryCore();
    final User mona = core.user();
    final Project site = linked(project("Shop", null), REPO);
    final RouterClient github = RouterClient.checked(new Router().post("/webhooks/github", core.webhooks::receive));

    private Project project(String name, String rootDirectory) {
        return core.projects.create(mona, new NewProject(name, "https://github.com/acme/shop.git", "acme/shop", "main",
                rootDirectory, null, null, null, null));
    }

    private Project linked(Project project, Repo repo) {
        core.github.saveLink(new RepositoryLink(project.id(), repo.id(), repo.fullName(), 1L, core.clock.instant()));
        return project;
    }

    private static String sha() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Delivery push(Repo repo, String branch, String sha, String... files) {
        return GitHubPayloads.push(repo, branch, sha(), List.of(Commit.modifying(sha, "Change " + String.join(", ", files), files)));
    }

    private Reply deliver(Delivery delivery) {
        return deliver(delivery, delivery.headers(WEBHOOK_SECRET));
    }

    private Reply deliver(Delivery delivery, Map<String, List<String>> headers) {
        core.clock.advance(Duration.ofSeconds(1)); // deliveries arrive one after another, so newest first is well defined
        return github.call("POST", "/webhooks/github", headers, delivery.body());
    }

    private List<Deployment> deploymentsOf(Project project) {
        return core.deploymentStore.listByProject(project.id(), 100);
    }

    @Test
    void a_signed_push_to_the_production_branch_queues_a_production_deployment_of_that_commit() {
        String sha = sha();

        Reply reply = deliver(push(REPO, "main", sha, "index.html"));

        assertThat(reply.status()).isEqualTo(200);
        Deployment d = deploymentsOf(site).get(0);
        assertThat(reply.json().at("/deployments/0/deploymentId").asText()).isEqualTo(d.id());
        assertThat(d.status()).isEqualTo(DeploymentStatus.QUEUED);
        assertThat(d.target()).isEqualTo(Deployment.PRODUCTION);
        assertThat(d.branch()).isEqualTo("main");
        assertThat(d.requestedCommit()).isEqualTo(sha);
        assertThat(d.trigger()).isEqualTo(Deployment.BY_PUSH);
        assertThat(d.author().login()).isEqualTo("mona");
        assertThat(core.queue.pending()).containsExactly(new BuildJob(d.id()));
    }

    @Test
    void a_redelivered_event_creates_no_second_deployment() {
        Delivery delivery = push(REPO, "main", sha(), "index.html");
        deliver(delivery);

        Reply again = deliver(delivery);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(deploymentsOf(site)).hasSize(1);
    }

    @Test
    void a_bad_or_missing_signature_is_refused_before_the_body_is_read_and_the_genuine_delivery_is_still_processed() {
        Delivery delivery = push(REPO, "main", sha(), "index.html");
        Map<String, List<String>> unsigned = new LinkedHashMap<>(delivery.headers(WEBHOOK_SECRET));
        unsigned.remove("X-Hub-Signature-256");
        Delivery garbage = new Delivery("push", "garbage-1", "{not json".getBytes(StandardCharsets.UTF_8));
        Delivery tampered = new Delivery("push", delivery.id(), new String(delivery.body(), StandardCharsets.UTF_8)
                .replace("refs/heads/main", "refs/heads/mainx").getBytes(StandardCharsets.UTF_8));

        assertThat(deliver(delivery, delivery.headers("not the secret")).status()).isEqualTo(401);
        Reply missing = deliver(delivery, unsigned);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.errorCode()).isEqualTo("invalid_signature");
        assertThat(deliver(garbage, garbage.headers("wrong")).status()).as("no parsing before the signature").isEqualTo(401);
        assertThat(deliver(tampered, delivery.headers(WEBHOOK_SECRET)).status()).isEqualTo(401);
        assertThat(deploymentsOf(site)).isEmpty();

        assertThat(deliver(delivery).status()).as("refused deliveries were not recorded as seen").isEqualTo(200);
        assertThat(deploymentsOf(site)).hasSize(1);
    }

    @Test
    void a_form_encoded_delivery_is_refused_with_the_setting_to_change() {
        Delivery delivery = new Delivery("push", "form-1", "payload=%7B%7D".getBytes(StandardCharsets.UTF_8));
        Map<String, List<String>> headers = new LinkedHashMap<>(delivery.headers(WEBHOOK_SECRET));
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));

        Reply reply = deliver(delivery, headers);

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.json().at("/error/message").asText()).contains("application/json");
    }

    @Test
    void a_delivery_whose_processing_failed_is_processed_when_github_sends_it_again() {
        Delivery broken = push(REPO, "main", "z".repeat(40), "index.html");
        Reply failed = deliver(broken);
        assertThat(failed.status()).isEqualTo(400);
        assertThat(failed.errorCode()).isEqualTo("invalid_payload");

        Delivery fixed = new Delivery("push", broken.id(), push(REPO, "main", sha(), "index.html").body());
        assertThat(deliver(fixed).status()).isEqualTo(200);
        assertThat(deploymentsOf(site)).hasSize(1);
    }

    @Test
    void a_push_to_another_branch_is_a_preview_and_a_newer_push_cancels_the_older_queued_build() {
        String second = sha();
        deliver(push(REPO, "feature/pricing", sha(), "pricing.html"));
        deliver(push(REPO, "hotfix", sha(), "index.html"));
        Reply newer = deliver(push(REPO, "feature/pricing", second, "pricing.html"));

        assertThat(newer.json().at("/deployments/0/branchUrl").asText())
                .isEqualTo("https://feature-pricing--" + site.slug() + ".miaobu.test");
        List<Deployment> all = deploymentsOf(site);
        assertThat(all).extracting(Deployment::target).containsOnly(Deployment.PREVIEW);
        assertThat(all).extracting(Deployment::branch).containsExactly("feature/pricing", "hotfix", "feature/pricing");
        assertThat(all).extracting(Deployment::status).as("other branches are not canceled")
                .containsExactly(DeploymentStatus.QUEUED, DeploymentStatus.QUEUED, DeploymentStatus.CANCELED);
        assertThat(all.get(2).error()).contains("Superseded by commit " + second.substring(0, 7));
    }

    @Test
    void deleting_a_branch_cancels_its_queued_builds_and_takes_its_host_down() {
        deliver(push(REPO, "old-feature", sha(), "index.html"));
        String host = core.hosts.branch("old-feature", site.slug());
        String id = deploymentsOf(site).get(0).id();
        core.routes.put(host, new RouteEntry(id, "sites/" + site.id() + "/" + id + "/", RouteConfig.DEFAULTS,
                core.clock.instant()));

        Reply deleted = deliver(GitHubPayloads.branchDeleted(REPO, "old-feature", sha()));

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("removedHosts").get(0).asText()).isEqualTo(host);
        assertThat(core.routes.get(host)).isEmpty();
        Deployment queued = deploymentsOf(site).get(0);
        assertThat(queued.status()).isEqualTo(DeploymentStatus.CANCELED);
        assertThat(queued.error()).contains("old-feature was deleted");
    }

    @Test
    void a_pull_request_deploys_its_head_once_and_forks_and_closed_ones_are_ignored() {
        String head = sha();
        Reply opened = deliver(GitHubPayloads.pullRequest("opened", REPO, 7, "feature/pricing", head, REPO));
        assertThat(opened.status()).isEqualTo(200);
        Deployment d = deploymentsOf(site).get(0);
        assertThat(d.branch()).isEqualTo("feature/pricing");
        assertThat(d.requestedCommit()).isEqualTo(head);
        assertThat(d.target()).isEqualTo(Deployment.PREVIEW);

        // A synchronize of the same commit adds nothing new for it.
        Reply sync = deliver(GitHubPayloads.pullRequest("synchronize", REPO, 7, "feature/pricing", head, REPO));
        assertThat(sync.json().at("/deployments/0/deploymentId").asText()).isEqualTo(d.id());
        assertThat(deploymentsOf(site)).hasSize(1);
        String next = sha();
        deliver(GitHubPayloads.pullRequest("synchronize", REPO, 7, "feature/pricing", next, REPO));
        assertThat(deploymentsOf(site).get(0).requestedCommit()).isEqualTo(next);

        Reply fromFork = deliver(GitHubPayloads.pullRequest("opened", REPO, 8, "main", sha(), new Repo(666, "stranger/shop")));
        assertThat(fromFork.status()).isEqualTo(202);
        assertThat(fromFork.json().get("ignored").asText()).contains("fork");
        assertThat(deliver(GitHubPayloads.pullRequest("closed", REPO, 7, "feature/pricing", next, REPO)).status()).isEqualTo(202);
        assertThat(deploymentsOf(site)).hasSize(2);
    }

    @Test
    void a_push_that_changes_nothing_under_the_root_directory_is_skipped_and_says_so_in_its_log() {
        Repo mono = new Repo(777, "acme/mono");
        Project web = linked(project("Web", "apps/web"), mono);

        deliver(push(mono, "main", sha(), "apps/api/server.js", "README.md"));

        Deployment skipped = deploymentsOf(web).get(0);
        assertThat(skipped.status()).isEqualTo(DeploymentStatus.CANCELED);
        assertThat(skipped.error()).contains("no file under `apps/web`");
        assertThat(core.logs.after(skipped.id(), 0, 10).get(0).text())
                .startsWith("Skipped: this push changed no file under `apps/web`");
        assertThat(core.queue.pending()).isEmpty();

        deliver(push(mono, "main", sha(), "apps/web/index.html"));
        assertThat(deploymentsOf(web).get(0).status()).isEqualTo(DeploymentStatus.QUEUED);
    }

    @Test
    void every_project_built_from_the_repository_gets_a_deployment() {
        Project blog = linked(project("Blog", null), REPO);

        Reply reply = deliver(push(REPO, "main", sha(), "index.html"));

        assertThat(reply.json().get("deployments")).hasSize(2);
        assertThat(deploymentsOf(site)).hasSize(1);
        assertThat(deploymentsOf(blog)).hasSize(1);
    }

    @Test
    void a_ping_is_answered_and_an_unknown_repository_or_event_is_ignored_with_202() {
        Repo unknown = new Repo(1, "someone/else");

        Reply ping = deliver(GitHubPayloads.ping(unknown, 480012345));
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.json().get("zen").asText()).isNotBlank();

        Reply push = deliver(push(unknown, "main", sha(), "index.html"));
        assertThat(push.status()).isEqualTo(202);
        assertThat(push.json().get("ignored").asText()).contains("someone/else");
        Delivery issue = new Delivery("issues", "issue-1", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(deliver(issue).status()).isEqualTo(202);
        assertThat(deploymentsOf(site)).isEmpty();
    }
}
