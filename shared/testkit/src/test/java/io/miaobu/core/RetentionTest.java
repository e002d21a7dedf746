package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.auth.User;
import io.miaobu.config.RetentionSettings;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentService.NewDeployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.ops.Retention;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.memory.InMemoryCore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Retention on in-memory adapters and a TestClock: which deployments an operator's MIAOBU_RETENTION_DAYS /
 * MIAOBU_RETENTION_KEEP delete, and that a deleted one is gone everywhere a user could reach it (its host,
 * its file list at the edge, its files, its functions, the deployment list).
 */
class RetentionTest {
    final InMemoryCore core = new InMemoryCore();
    final User alice = core.user();
    final Project site = core.projects.create(alice, new NewProject("Shop", "https://github.com/acme/shop.git",
            "acme/shop", "main", null, null, null, null, null));
    /** The functions each deployment got, as a FunctionHost keeps them; delete() removes them. */
    final List<String> functionsRunning = new ArrayList<>();
    final FunctionHost functions = new FunctionHost() {
        @Override
        public Map<String, String> deploy(Project project, Deployment deployment, Path bundleDir, FunctionManifest manifest,
                                          Map<String, String> env) {
            functionsRunning.add(deployment.id());
            return Map.of("node", "https://" + deployment.id() + ".fcapp.run");
        }

        @Override
        public void delete(Deployment deployment) {
            functionsRunning.remove(deployment.id());
        }
    };

    Retention retention(int days, int keep) {
        return new Retention(core.projectStore, core.deploymentStore, core.publisher, core.artifacts, functions,
                new RetentionSettings(days, keep), core.clock);
    }

    /** A deployment of {@code branch} built to {@code status} a day after the previous one, with files, a host and functions. */
    Deployment built(String branch, DeploymentStatus status) throws IOException {
        core.clock.advance(Duration.ofDays(1));
        Deployment d = core.deployments.create(alice, site.id(), new NewDeployment(branch, null)).deployment();
        core.deploymentStore.finish(d.id(), EnumSet.of(DeploymentStatus.QUEUED), status, null,
                new DeploymentStats(1, 10, 1, 10), core.clock.instant());
        d = core.deploymentStore.findById(d.id()).orElseThrow();
        if (status == DeploymentStatus.READY) {
            Path file = Files.createTempFile("index", ".html");
            core.artifacts.put(d.prefix() + "index.html", file, "text/html");
            Files.delete(file);
            core.publisher.publishFiles(d, List.of("index.html"));
            core.publisher.publishPermanentHost(site, d);
            functions.deploy(site, d, null, FunctionManifest.EMPTY, Map.of());
        }
        return d;
    }

    boolean exists(Deployment d) {
        return core.deploymentStore.findById(d.id()).isPresent();
    }

    boolean reachable(Deployment d) {
        return core.routes.get(core.hosts.deployment(d.id(), site.slug())).isPresent() || core.routes.manifest(d.id()).isPresent()
                || !core.artifacts.list(d.prefix()).isEmpty() || functionsRunning.contains(d.id());
    }

    @Test
    void by_default_nothing_is_ever_deleted() throws IOException {
        Deployment old = built("main", DeploymentStatus.READY);
        for (int i = 0; i < 30; i++) {
            built("main", DeploymentStatus.READY);
        }
        core.clock.advance(Duration.ofDays(3650));
        assertThat(retention(0, 1).run()).isZero();
        assertThat(exists(old)).isTrue();
        assertThat(reachable(old)).isTrue();
    }

    @Test
    void old_deployments_beyond_the_newest_kept_are_deleted_with_their_host_files_and_functions() throws IOException {
        Deployment oldest = built("main", DeploymentStatus.READY);
        Deployment older = built("main", DeploymentStatus.FAILED);
        Deployment kept1 = built("main", DeploymentStatus.READY);
        Deployment kept2 = built("main", DeploymentStatus.READY);
        core.deployments.promote(alice, kept2.id());
        core.clock.advance(Duration.ofDays(40));

        assertThat(retention(30, 2).run()).isEqualTo(2);

        assertThat(exists(oldest)).isFalse();
        assertThat(reachable(oldest)).isFalse();
        assertThat(exists(older)).isFalse();
        assertThat(exists(kept1)).isTrue();
        assertThat(reachable(kept1)).isTrue();
        assertThat(exists(kept2)).isTrue();
        assertThat(core.deployments.list(alice, site.id()).deployments()).extracting(Deployment::id).containsExactly(kept2.id(), kept1.id());
    }

    @Test
    void the_live_deployment_is_never_deleted_however_old() throws IOException {
        Deployment live = built("main", DeploymentStatus.READY);
        core.deployments.promote(alice, live.id());
        for (int i = 0; i < 5; i++) {
            built("main", DeploymentStatus.FAILED);
        }
        core.clock.advance(Duration.ofDays(400));

        retention(30, 1).run();

        assertThat(exists(live)).isTrue();
        assertThat(reachable(live)).isTrue();
    }

    @Test
    void each_branchs_newest_ready_deployment_stays_for_its_preview_host() throws IOException {
        Deployment previewOld = built("feature/cart", DeploymentStatus.READY);
        Deployment previewCurrent = built("feature/cart", DeploymentStatus.READY);
        Deployment previewBroken = built("feature/cart", DeploymentStatus.FAILED);
        Deployment live = built("main", DeploymentStatus.READY);
        core.deployments.promote(alice, live.id());
        core.clock.advance(Duration.ofDays(100));

        retention(30, 1).run();

        assertThat(exists(previewCurrent)).isTrue();
        assertThat(reachable(previewCurrent)).isTrue();
        assertThat(exists(previewOld)).isFalse();
        assertThat(exists(previewBroken)).isFalse();
    }

    @Test
    void recent_deployments_stay_even_beyond_the_newest_kept() throws IOException {
        List<Deployment> recent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            recent.add(built("main", DeploymentStatus.READY));
        }
        assertThat(retention(30, 1).run()).isZero();
        assertThat(recent).allMatch(this::exists);
    }

    @Test
    void a_deployment_still_building_is_never_deleted() throws IOException {
        core.clock.advance(Duration.ofDays(1));
        Deployment stuck = core.deployments.create(alice, site.id(), new NewDeployment("main", null)).deployment();
        for (int i = 0; i < 3; i++) {
            built("main", DeploymentStatus.READY);
        }
        core.clock.advance(Duration.ofDays(100));
        retention(30, 1).run();
        assertThat(exists(stuck)).isTrue();
    }

    @Test
    void a_deployment_whose_files_cannot_be_deleted_keeps_its_row_for_the_next_run() throws IOException {
        Deployment old = built("main", DeploymentStatus.READY);
        built("main", DeploymentStatus.READY);
        core.clock.advance(Duration.ofDays(100));
        Retention failing = new Retention(core.projectStore, core.deploymentStore, core.publisher, new BrokenStore(core.artifacts),
                functions, new RetentionSettings(30, 1), core.clock);

        assertThat(failing.run()).isZero();
        assertThat(exists(old)).isTrue();
        assertThat(retention(30, 1).run()).isEqualTo(1);
        assertThat(exists(old)).isFalse();
    }

    /** Storage that refuses deletes, as a bucket with a wrong policy does. */
    record BrokenStore(io.miaobu.store.ArtifactStore inner) implements io.miaobu.store.ArtifactStore {
        @Override
        public void put(String key, Path source, String contentType) throws IOException {
            inner.put(key, source, contentType);
        }

        @Override
        public java.util.Optional<java.io.InputStream> open(String key) throws IOException {
            return inner.open(key);
        }

        @Override
        public void copy(String from, String to, String contentType) throws IOException {
            inner.copy(from, to, contentType);
        }

        @Override
        public boolean exists(String key) throws IOException {
            return inner.exists(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return inner.list(prefix);
        }

        @Override
        public int deletePrefix(String prefix) throws IOException {
            throw new IOException("AccessDenied");
        }
    }
}
