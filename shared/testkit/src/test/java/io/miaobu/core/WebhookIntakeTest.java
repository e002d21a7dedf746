package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.auth.User;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.CommitAuthor;
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
import io.miaobu.testkit.memory.InMemoryCore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * WebhookIntake on in-memory adapters, as GitHub delivers to {@code POST /webhooks/github}: signed
 * pushes and pull requests become queued deployments, redeliveries do nothing, and a delivery whose
 * processing failed is processed when GitHub sends it again.
 */
class WebhookIntakeTest {
    private static final long REPO = 4242;

    final InMemoryCore core = new InMemoryCore();
    final User mona = core.user();
    final Project site = linked(project("Shop", null), REPO);
    final RouterClient github = RouterClient.checked(new Router().post("/webhooks/github", core.webhooks::receive));

    private Project project(String name, String rootDirectory) {
        return core.projects.create(mona, new NewProject(name, "https://github.com/acme/shop.git", "acme/shop", "main",
                rootDirectory, null, null, null, null));
    }

    private Project linked(Project project, long repositoryId) {
        core.github.saveLink(new RepositoryLink(project.id(), repositoryId, "acme/shop", 1L, core.clock.instant()));
        return project;
    }

    private static String sha() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 40);
    }

    private static String push(String branch, String sha, String... changedFiles) {
        String files = String.join(",", List.of(changedFiles).stream().map(f -> "\"" + f + "\"").toList());
        return """
                {"ref":"refs/heads/%s","after":"%s","deleted":false,"created":false,"forced":false,
                 "repository":{"id":%d,"full_name":"acme/shop"},
                 "head_commit":{"id":"%s","message":"Fix the cart","author":{"name":"Mona Lisa","username":"mona"}},
                 "commits":[{"added":[],"removed":[],"modified":[%s]}],
                 "sender":{"login":"mona","avatar_url":"https://avatars.githubusercontent.com/u/9919"}}"""
                .formatted(branch, sha, REPO, sha, files);
    }

    private static String pullRequest(String action, String branch, String sha, long headRepository) {
        return """
                {"action":"%s","number":7,"repository":{"id":%d,"full_name":"acme/shop"},
                 "pull_request":{"number":7,"head":{"ref":"%s","sha":"%s","repo":{"id":%d}}}}"""
                .formatted(action, REPO, branch, sha, headRepository);
    }

    private Reply deliver(String event, String delivery, String payload) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return deliver(event, delivery, body, core.webhookSignature.sign(body), "application/json");
    }

    private Reply deliver(String event, String delivery, byte[] body, String signature, String contentType) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(contentType));
        headers.put("X-GitHub-Event", List.of(event));
        headers.put("X-GitHub-Delivery", List.of(delivery));
        if (signature != null) {
            headers.put("X-Hub-Signature-256", List.of(signature));
        }
        return github.call("POST", "/webhooks/github", headers, body);
    }

    private List<Deployment> deploymentsOf(Project project) {
        return core.deploymentStore.listByProject(project.id(), 100);
    }

    @Test
    void a_signed_push_to_the_production_branch_queues_a_production_deployment_of_that_commit() {
        String sha = sha();

        Reply reply = deliver("push", "d-1", push("main", sha, "src/cart.js"));

        assertThat(reply.status()).isEqualTo(200);
        Deployment d = deploymentsOf(site).get(0);
        assertThat(reply.json().at("/deployments/0/deploymentId").asText()).isEqualTo(d.id());
        assertThat(d.status()).isEqualTo(DeploymentStatus.QUEUED);
        assertThat(d.target()).isEqualTo(Deployment.PRODUCTION);
        assertThat(d.requestedCommit()).isEqualTo(sha);
        assertThat(d.trigger()).isEqualTo(Deployment.BY_PUSH);
        assertThat(d.author()).isEqualTo(new CommitAuthor("Mona Lisa", "mona", "https://avatars.githubusercontent.com/u/9919"));
        assertThat(core.queue.pending()).containsExactly(new BuildJob(d.id()));
    }

    @Test
    void a_redelivered_event_creates_no_second_deployment() {
        String payload = push("main", sha());
        deliver("push", "d-1", payload);

        Reply again = deliver("push", "d-1", payload);

        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(deploymentsOf(site)).hasSize(1);
    }

    @Test
    void a_bad_or_missing_signature_is_refused_and_the_genuine_delivery_is_still_processed() {
        byte[] body = push("main", sha()).getBytes(StandardCharsets.UTF_8);
        byte[] forged = push("main", sha()).getBytes(StandardCharsets.UTF_8);

        assertThat(deliver("push", "d-1", body, null, "application/json").status()).isEqualTo(401);
        assertThat(deliver("push", "d-1", body, core.webhookSignature.sign(forged), "application/json").status()).isEqualTo(401);
        assertThat(deploymentsOf(site)).isEmpty();

        assertThat(deliver("push", "d-1", body, core.webhookSignature.sign(body), "application/json").status()).isEqualTo(200);
        assertThat(deploymentsOf(site)).hasSize(1);
    }

    @Test
    void a_form_encoded_delivery_is_refused_with_the_setting_to_change() {
        byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
        Reply reply = deliver("push", "d-1", body, core.webhookSignature.sign(body), "application/x-www-form-urlencoded");

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.json().at("/error/message").asText()).contains("application/json");
    }

    @Test
    void a_delivery_whose_processing_failed_is_processed_when_github_sends_it_again() {
        Reply failed = deliver("push", "d-1", push("main", "not-a-sha"));
        assertThat(failed.status()).isEqualTo(400);
        assertThat(failed.errorCode()).isEqualTo("invalid_payload");

        assertThat(deliver("push", "d-1", push("main", sha())).status()).isEqualTo(200);
        assertThat(deploymentsOf(site)).hasSize(1);
    }

    @Test
    void a_push_to_another_branch_is_a_preview_and_a_newer_push_cancels_the_older_queued_build() {
        deliver("push", "d-1", push("feature/cart", sha()));
        core.clock.advance(Duration.ofSeconds(1));
        deliver("push", "d-2", push("feature/cart", sha()));

        List<Deployment> deployments = deploymentsOf(site);
        assertThat(deployments).extracting(Deployment::target).containsOnly(Deployment.PREVIEW);
        assertThat(deployments).extracting(Deployment::status)
                .containsExactly(DeploymentStatus.QUEUED, DeploymentStatus.CANCELED);
        assertThat(deployments.get(1).error()).contains("Superseded");
    }

    @Test
    void deleting_a_branch_cancels_its_queued_builds_and_takes_its_host_down() {
        deliver("push", "d-1", push("feature/cart", sha()));
        String branchHost = core.hosts.branch("feature/cart", site.slug());
        String id = deploymentsOf(site).get(0).id();
        core.routes.put(branchHost, new RouteEntry(id, "sites/" + site.id() + "/" + id + "/", RouteConfig.DEFAULTS,
                core.clock.instant()));

        Reply deleted = deliver("push", "d-2", push("feature/cart", "0".repeat(40)).replace("\"deleted\":false", "\"deleted\":true"));

        assertThat(deleted.json().get("removedHosts").get(0).asText()).isEqualTo(branchHost);
        assertThat(deploymentsOf(site).get(0).status()).isEqualTo(DeploymentStatus.CANCELED);
        assertThat(core.routes.get(branchHost)).isEmpty();
    }

    @Test
    void a_pull_request_deploys_its_head_once_and_forks_and_closed_ones_are_ignored() {
        String head = sha();
        deliver("push", "d-1", push("feature/pr", head));

        Reply opened = deliver("pull_request", "d-2", pullRequest("opened", "feature/pr", head, REPO));
        Reply synced = deliver("pull_request", "d-3", pullRequest("synchronize", "feature/pr", head, REPO));
        assertThat(opened.json().at("/deployments/0/note").asText()).contains("already deployed");
        assertThat(synced.json().at("/deployments/0/deploymentId").asText()).isEqualTo(deploymentsOf(site).get(0).id());
        assertThat(deploymentsOf(site)).hasSize(1);

        String next = sha();
        core.clock.advance(Duration.ofSeconds(1));
        deliver("pull_request", "d-4", pullRequest("synchronize", "feature/pr", next, REPO));
        Deployment preview = deploymentsOf(site).get(0);
        assertThat(preview.requestedCommit()).isEqualTo(next);
        assertThat(preview.target()).isEqualTo(Deployment.PREVIEW);

        Reply fork = deliver("pull_request", "d-5", pullRequest("opened", "evil", sha(), 666));
        assertThat(fork.status()).isEqualTo(202);
        assertThat(fork.json().get("ignored").asText()).contains("fork");
        assertThat(deliver("pull_request", "d-6", pullRequest("closed", "feature/pr", next, REPO)).status()).isEqualTo(202);
        assertThat(deploymentsOf(site)).hasSize(2);
    }

    @Test
    void a_push_that_changes_nothing_under_the_root_directory_is_skipped_and_says_so_in_its_log() {
        Project web = linked(project("Web", "apps/web"), 777);
        String skippedPush = push("main", sha(), "apps/api/server.js").replace("\"id\":" + REPO, "\"id\":777");

        deliver("push", "d-1", skippedPush);

        Deployment skipped = deploymentsOf(web).get(0);
        assertThat(skipped.status()).isEqualTo(DeploymentStatus.CANCELED);
        assertThat(skipped.error()).contains("no file under `apps/web`");
        assertThat(core.logs.after(skipped.id(), 0, 10).get(0).text()).startsWith("Skipped: this push changed no file under `apps/web`");
        assertThat(core.queue.pending()).isEmpty();

        core.clock.advance(Duration.ofSeconds(1));
        deliver("push", "d-2", push("main", sha(), "apps/web/index.html").replace("\"id\":" + REPO, "\"id\":777"));
        assertThat(deploymentsOf(web).get(0).status()).isEqualTo(DeploymentStatus.QUEUED);
    }

    @Test
    void every_project_built_from_the_repository_gets_a_deployment() {
        Project blog = linked(project("Blog", null), REPO);

        Reply reply = deliver("push", "d-1", push("main", sha()));

        assertThat(reply.json().get("deployments")).hasSize(2);
        assertThat(deploymentsOf(site)).hasSize(1);
        assertThat(deploymentsOf(blog)).hasSize(1);
    }

    @Test
    void a_ping_is_answered_and_an_unknown_repository_or_event_is_ignored_with_202() {
        JsonNode ping = deliver("ping", "d-1", "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}").json();
        assertThat(ping.get("zen").asText()).isEqualTo("Keep it logically awesome.");

        Reply unknown = deliver("push", "d-2", push("main", sha()).replace("\"id\":" + REPO, "\"id\":1"));
        assertThat(unknown.status()).isEqualTo(202);
        assertThat(deliver("issues", "d-3", "{}").status()).isEqualTo(202);
        assertThat(deploymentsOf(site)).isEmpty();
    }
}
