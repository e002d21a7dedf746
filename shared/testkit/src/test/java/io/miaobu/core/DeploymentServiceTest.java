package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.auth.User;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentService.NewDeployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.Initiator;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.memory.InMemoryCore;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DeploymentService on in-memory adapters: what a user starting, canceling and promoting deployments sees. */
class DeploymentServiceTest {
    final InMemoryCore core = new InMemoryCore();
    final User alice = core.user();
    final Project site = core.projects.create(alice, new NewProject("Shop", "https://github.com/acme/shop.git",
            "acme/shop", "main", null, null, null, null, null));

    private Deployment deploy(String branch) {
        return core.deployments.create(alice, site.id(), new NewDeployment(branch, null)).deployment();
    }

    /** Builds {@code d} to READY, as a builder would. */
    private Deployment ready(Deployment d) {
        core.clock.advance(Duration.ofSeconds(30));
        core.deploymentStore.finish(d.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.READY, null,
                new DeploymentStats(3, 300, 3, 300), core.clock.instant());
        return core.deploymentStore.findById(d.id()).orElseThrow();
    }

    private String liveOf(Project project) {
        return core.projectStore.findById(project.id()).orElseThrow().liveDeploymentId();
    }

    @Test
    void a_new_deployment_is_queued_for_the_production_branch_and_its_build_is_enqueued() {
        Deployment d = deploy(null);

        assertThat(d.status()).isEqualTo(DeploymentStatus.QUEUED);
        assertThat(d.branch()).isEqualTo("main");
        assertThat(d.target()).isEqualTo(Deployment.PRODUCTION);
        assertThat(d.trigger()).isEqualTo(Deployment.BY_MANUAL);
        assertThat(d.initiator()).isEqualTo(Initiator.user(alice.id(), "login-" + alice.id(), null));
        assertThat(d.createdAt()).isEqualTo(core.clock.instant());
        assertThat(core.deploymentStore.findById(d.id())).contains(d);
        assertThat(core.queue.pending()).containsExactly(new BuildJob(d.id()));
    }

    @Test
    void a_deployment_of_another_branch_is_a_preview() {
        assertThat(deploy(" feature/cart ").target()).isEqualTo(Deployment.PREVIEW);
    }

    @Test
    void redeploying_names_the_commit_and_says_it_is_a_redeploy() {
        Deployment d = core.deployments.create(alice, site.id(), new NewDeployment(null, "0123abcd")).deployment();

        assertThat(d.requestedCommit()).isEqualTo("0123abcd");
        assertThat(d.trigger()).isEqualTo(Deployment.BY_REDEPLOY);
    }

    @Test
    void a_branch_or_commit_that_is_not_one_is_refused_and_nothing_is_enqueued() {
        assertThatThrownBy(() -> deploy("main; rm -rf /")).hasFieldOrPropertyWithValue("status", 400);
        assertThatThrownBy(() -> core.deployments.create(alice, site.id(), new NewDeployment(null, "HEAD~1")))
                .hasFieldOrPropertyWithValue("status", 400);
        assertThat(core.queue.pending()).isEmpty();
        assertThat(core.deploymentStore.listByProject(site.id(), 10)).isEmpty();
    }

    @Test
    void someone_elses_project_and_deployments_are_not_found() {
        Deployment d = deploy(null);
        User mallory = core.user();

        assertThatThrownBy(() -> core.deployments.create(mallory, site.id(), new NewDeployment(null, null)))
                .hasFieldOrPropertyWithValue("status", 404);
        assertThatThrownBy(() -> core.deployments.cancel(mallory, d.id())).hasFieldOrPropertyWithValue("status", 404);
        assertThatThrownBy(() -> core.deployments.promote(mallory, d.id())).hasFieldOrPropertyWithValue("status", 404);
        assertThat(core.deploymentStore.findById(d.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.QUEUED);
    }

    @Test
    void a_folder_project_has_no_repository_to_build() {
        Project folder = core.projects.create(alice, new NewProject("Handbook", null, null, null, null, null, null, null, null));

        assertThatThrownBy(() -> core.deployments.create(alice, folder.id(), new NewDeployment(null, null)))
                .hasFieldOrPropertyWithValue("status", 409).hasMessageContaining("./miaobu deploy");
    }

    @Test
    void a_push_cancels_older_queued_builds_of_its_branch_but_not_other_branches_or_started_ones() {
        Deployment waiting = deploy("main");
        core.clock.advance(Duration.ofSeconds(1));
        Deployment building = deploy("main");
        core.deploymentStore.transition(building.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.BUILDING,
                core.clock.instant());
        Deployment preview = deploy("feature");
        core.clock.advance(Duration.ofSeconds(1));

        Deployment pushed = core.deployments.enqueueNewest(site, "main", "89abcdef", null, Deployment.BY_PUSH, null);

        Deployment superseded = core.deploymentStore.findById(waiting.id()).orElseThrow();
        assertThat(superseded.status()).isEqualTo(DeploymentStatus.CANCELED);
        assertThat(superseded.error()).isEqualTo("Superseded by commit 89abcde on main before it started.");
        assertThat(superseded.finishedAt()).isEqualTo(core.clock.instant());
        assertThat(core.deploymentStore.findById(building.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.BUILDING);
        assertThat(core.deploymentStore.findById(preview.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.QUEUED);
        assertThat(core.deploymentStore.findById(pushed.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.QUEUED);
    }

    @Test
    void canceling_a_running_deployment_says_so_and_when() {
        Deployment d = deploy(null);
        core.clock.advance(Duration.ofSeconds(5));

        Deployment canceled = core.deployments.cancel(alice, d.id()).deployment();

        assertThat(canceled.status()).isEqualTo(DeploymentStatus.CANCELED);
        assertThat(canceled.error()).isEqualTo("Canceled by user.");
        assertThat(canceled.finishedAt()).isEqualTo(core.clock.instant());
    }

    @Test
    void canceling_a_finished_deployment_is_a_conflict_that_names_how_it_finished() {
        Deployment d = ready(deploy(null));

        assertThatThrownBy(() -> core.deployments.cancel(alice, d.id()))
                .hasFieldOrPropertyWithValue("status", 409).hasMessageContaining("READY");
        assertThat(core.deploymentStore.findById(d.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.READY);
    }

    @Test
    void promoting_a_ready_deployment_points_the_production_host_at_it_and_purges_it() {
        Deployment d = ready(deploy(null));

        core.deployments.promote(alice, d.id());

        assertThat(core.routes.get(core.hosts.production(site.slug())).orElseThrow().deploymentId()).isEqualTo(d.id());
        assertThat(liveOf(site)).isEqualTo(d.id());
        assertThat(core.purges).contains(List.of(core.hosts.production(site.slug())));
    }

    @Test
    void a_deployment_that_is_not_ready_cannot_go_live() {
        Deployment d = deploy(null);

        assertThatThrownBy(() -> core.deployments.promote(alice, d.id())).hasFieldOrPropertyWithValue("status", 409);
        assertThat(core.routes.get(core.hosts.production(site.slug()))).isEmpty();
        assertThat(liveOf(site)).isNull();
    }

    @Test
    void promoting_an_older_production_deployment_rolls_back_and_turns_auto_publish_off() {
        Deployment older = ready(deploy(null));
        core.clock.advance(Duration.ofMinutes(1));
        Deployment newer = ready(deploy(null));
        core.deployments.promote(alice, newer.id());
        core.clock.advance(Duration.ofMinutes(1));

        Project after = core.deployments.promote(alice, older.id()).project();

        assertThat(after.autoPublish()).isFalse();
        assertThat(after.liveDeploymentId()).isEqualTo(older.id());
        Project stored = core.projectStore.findById(site.id()).orElseThrow();
        assertThat(stored.autoPublish()).isFalse();
        assertThat(stored.updatedAt()).isEqualTo(core.clock.instant());
        assertThat(core.routes.get(core.hosts.production(site.slug())).orElseThrow().deploymentId()).isEqualTo(older.id());
    }

    @Test
    void promoting_a_newer_deployment_or_an_older_preview_leaves_auto_publish_on() {
        Deployment olderPreview = ready(deploy("feature"));
        core.clock.advance(Duration.ofMinutes(1));
        Deployment first = ready(deploy(null));
        core.deployments.promote(alice, first.id());
        core.clock.advance(Duration.ofMinutes(1));
        Deployment newer = ready(deploy(null));

        assertThat(core.deployments.promote(alice, newer.id()).project().autoPublish()).isTrue();
        assertThat(core.deployments.promote(alice, olderPreview.id()).project().autoPublish()).isTrue();
        assertThat(core.projectStore.findById(site.id()).orElseThrow().autoPublish()).isTrue();
        assertThat(liveOf(site)).isEqualTo(olderPreview.id());
    }
}
