package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.api.DeploymentView;
import io.miaobu.auth.User;
import io.miaobu.build.BuildLogWriter;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentService.NewDeployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.Release;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.dynamic.FunctionBuild;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.json.Json;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.memory.InMemoryCore;
import io.miaobu.testkit.memory.RecordingFunctionHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A release with functions on in-memory adapters: the backends its function host returns reach every host
 * that points at the deployment, move with promote and rollback, and are taken back with a failed release
 * or a deleted project; the functions get the target's variables and nothing else.
 */
class FunctionReleaseTest {
    static final FunctionManifest API = new FunctionManifest(1, List.of(
            new FunctionManifest.Function("api/hello", "/api/hello", "api/hello.ts", FunctionManifest.NODE, "node/api/hello.mjs"),
            new FunctionManifest.Function("api/echo", "/api/echo", "api/echo.py", FunctionManifest.PYTHON, "python/app/api/echo.py")),
            null);

    final InMemoryCore core = new InMemoryCore();
    final User alice = core.user();
    final Project site = core.projects.create(alice, new NewProject("Shop", "https://github.com/acme/shop.git",
            "acme/shop", "main", null, null, null, null, null));

    FunctionReleaseTest() {
        core.envVars.replace(alice, site.id(), ("[{\"key\":\"API_URL\",\"value\":\"https://api.example.com\",\"target\":\"production\"},"
                + "{\"key\":\"API_URL\",\"value\":\"https://staging.example.com\",\"target\":\"preview\"},"
                + "{\"key\":\"SHARED\",\"value\":\"both\",\"target\":\"all\"}]").getBytes(StandardCharsets.UTF_8));
    }

    /** A build of {@code branch} that reached UPLOADING, released with {@code manifest}. */
    private Deployment release(String branch, FunctionManifest manifest) throws IOException {
        Deployment d = core.deployments.create(alice, site.id(), new NewDeployment(branch, null)).deployment();
        core.clock.advance(Duration.ofSeconds(30));
        core.deploymentStore.transition(d.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.BUILDING, core.clock.instant());
        core.deploymentStore.transition(d.id(), EnumSet.of(DeploymentStatus.BUILDING), DeploymentStatus.UPLOADING, core.clock.instant());
        Deployment uploading = core.deploymentStore.findById(d.id()).orElseThrow();
        RouteConfig config = FunctionBuild.routes(RouteConfig.DEFAULTS, manifest);
        try (BuildLogWriter log = new BuildLogWriter(d.id(), core.database.logs(), core.clock)) {
            core.release.release(site, uploading, new Release.Contents(List.of(), Map.of(), config, DeploymentStats.EMPTY,
                    Path.of("/tmp/bundle-" + d.id()), manifest), Deployment.PRODUCTION.equals(uploading.target())
                    ? Release.GoLive.IF_AUTO_PUBLISH : Release.GoLive.NO, log);
        }
        return core.deploymentStore.findById(d.id()).orElseThrow();
    }

    private RouteEntry entryOf(String host) {
        return core.routes.get(host).orElseThrow(() -> new AssertionError("no route entry for " + host));
    }

    private static Map<String, String> backendsOf(Deployment d) {
        return Map.of(FunctionManifest.NODE, RecordingFunctionHost.backend(d.id(), FunctionManifest.NODE),
                FunctionManifest.PYTHON, RecordingFunctionHost.backend(d.id(), FunctionManifest.PYTHON));
    }

    @Test
    void a_production_release_with_functions_sends_its_own_host_and_the_live_host_to_its_backends() throws IOException {
        Deployment d = release("main", API);

        assertThat(d.status()).isEqualTo(DeploymentStatus.READY);
        assertThat(d.backends()).isEqualTo(backendsOf(d));
        assertThat(entryOf(core.hosts.deployment(d.id(), site.slug())).backends()).isEqualTo(backendsOf(d));
        assertThat(entryOf(core.hosts.production(site.slug())).backends()).isEqualTo(backendsOf(d));
        assertThat(entryOf(core.hosts.production(site.slug())).config().functions()).extracting(RouteConfig.FunctionRoute::route)
                .containsExactly("/api/hello", "/api/echo");
        assertThat(core.functionHost.running().get(d.id()).manifest()).isEqualTo(API);
    }

    @Test
    void functions_get_the_variables_of_their_deployments_target_only() throws IOException {
        Deployment production = release("main", API);
        Deployment preview = release("feature/cart", API);

        assertThat(core.functionHost.running().get(production.id()).env())
                .isEqualTo(Map.of("API_URL", "https://api.example.com", "SHARED", "both"));
        assertThat(core.functionHost.running().get(preview.id()).env())
                .isEqualTo(Map.of("API_URL", "https://staging.example.com", "SHARED", "both"));
    }

    @Test
    void a_preview_branch_host_follows_its_newest_deployments_backends() throws IOException {
        Deployment first = release("feature/cart", API);
        Deployment second = release("feature/cart", API);

        assertThat(entryOf(core.hosts.branch("feature/cart", site.slug())).backends()).isEqualTo(backendsOf(second));
        assertThat(entryOf(core.hosts.deployment(first.id(), site.slug())).backends()).isEqualTo(backendsOf(first));
        assertThat(core.routes.get(core.hosts.production(site.slug()))).isEmpty();
    }

    @Test
    void rolling_back_to_an_older_deployment_switches_the_live_host_to_its_backends() throws IOException {
        Deployment older = release("main", API);
        Deployment newer = release("main", API);
        assertThat(entryOf(core.hosts.production(site.slug())).backends()).isEqualTo(backendsOf(newer));

        core.deployments.promote(alice, older.id());

        assertThat(entryOf(core.hosts.production(site.slug())).backends()).isEqualTo(backendsOf(older));
        assertThat(core.functionHost.running()).containsOnlyKeys(older.id(), newer.id());
    }

    @Test
    void a_static_release_asks_no_function_host_and_its_entries_have_no_backends() throws IOException {
        Deployment d = release("main", FunctionManifest.EMPTY);

        assertThat(core.functionHost.running()).isEmpty();
        assertThat(d.backends()).isNull();
        assertThat(entryOf(core.hosts.production(site.slug())).backends()).isNull();
        assertThat(new String(Json.write(entryOf(core.hosts.production(site.slug()))), StandardCharsets.UTF_8))
                .doesNotContain("backends").doesNotContain("functions");
    }

    @Test
    void a_release_whose_functions_fail_to_deploy_deletes_what_the_host_made_and_serves_nothing() {
        core.functionHost.failWith(new IOException("out of function quota"));

        assertThatThrownBy(() -> release("main", API)).hasMessageContaining("out of function quota");

        assertThat(core.functionHost.running()).isEmpty();
        assertThat(core.functionHost.deleted()).hasSize(1);
        assertThat(core.routes.get(core.hosts.production(site.slug()))).isEmpty();
    }

    @Test
    void a_deployment_canceled_while_its_functions_deploy_deletes_them() throws IOException {
        core.functionHost.duringDeploy(d -> core.deploymentStore.finish(d.id(), EnumSet.of(DeploymentStatus.UPLOADING),
                DeploymentStatus.CANCELED, "Canceled by user.", DeploymentStats.EMPTY, core.clock.instant()));

        Deployment d = release("main", API);

        assertThat(d.status()).isEqualTo(DeploymentStatus.CANCELED);
        assertThat(core.functionHost.running()).isEmpty();
        assertThat(core.functionHost.deleted()).containsExactly(d.id());
        assertThat(core.routes.get(core.hosts.deployment(d.id(), site.slug()))).isEmpty();
    }

    @Test
    void deleting_the_project_deletes_every_deployments_functions() throws IOException {
        Deployment a = release("main", API);
        Deployment b = release("feature/cart", API);
        release("main", FunctionManifest.EMPTY);

        core.projects.delete(alice, site.id());

        assertThat(core.functionHost.running()).isEmpty();
        assertThat(core.functionHost.deleted()).containsExactlyInAnyOrder(a.id(), b.id());
    }

    @Test
    void the_deployment_the_api_shows_counts_its_functions_but_never_says_where_they_run() throws IOException {
        Deployment d = release("main", API);

        DeploymentView view = DeploymentView.of(site, d, core.hosts);
        String json = new String(Json.write(view), StandardCharsets.UTF_8);

        assertThat(view.functions()).isEqualTo(2);
        assertThat(Json.MAPPER.readTree(json).has("backends")).isFalse();
        assertThat(json).doesNotContain("mem:").doesNotContain(d.id() + "/node");
    }
}
