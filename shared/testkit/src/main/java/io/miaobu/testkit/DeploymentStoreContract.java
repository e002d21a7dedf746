package io.miaobu.testkit;

import static io.miaobu.deploy.DeploymentStatus.BUILDING;
import static io.miaobu.deploy.DeploymentStatus.CANCELED;
import static io.miaobu.deploy.DeploymentStatus.FAILED;
import static io.miaobu.deploy.DeploymentStatus.QUEUED;
import static io.miaobu.deploy.DeploymentStatus.READY;
import static io.miaobu.deploy.DeploymentStatus.UPLOADING;
import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.deploy.CommitAuthor;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.edge.RouteConfig;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.edge.rules.HeaderRule;
import io.miaobu.edge.rules.RedirectRule;
import io.miaobu.store.DuplicateKeyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every DeploymentStore does: PostgreSQL's and the in-memory one the core's unit tests use.
 * Every state change is conditional on the current status, so racing builders, a cancel racing a
 * build, or two {@code complete} calls resolve to exactly one winner.
 */
public abstract class DeploymentStoreContract {
    protected abstract DeploymentStore deployments();

    /** The id of a new project deployments may belong to (a real row where the store needs one). */
    protected abstract String newProjectId();

    private String projectId;

    @BeforeEach
    void newProject() {
        projectId = newProjectId();
    }

    private Deployment inserted() {
        return inserted(StoreFixtures.deployment(projectId, now()));
    }

    private Deployment inserted(Deployment d) {
        deployments().insert(d);
        return d;
    }

    @Test
    void a_fully_populated_deployment_round_trips() {
        Instant t = now();
        RouteConfig routes = new RouteConfig(true, false, false, "404.html",
                List.of(new RedirectRule("/old", List.of(List.of("id", ":id")), "/new/:id", 301, true)),
                List.of(new HeaderRule("/*", Map.of("x-frame-options", "DENY"), List.of("x-powered-by"))));
        Deployment d = inserted(new Deployment(StoreFixtures.id("dpl"), projectId, READY, Deployment.PREVIEW, "feature/x",
                "abc", "abcdef0123", "Fix the thing\n\nLonger body", null, new DeploymentStats(10, 2048, 3, 512),
                routes, t, t.plusSeconds(1), t.plusSeconds(9),
                new CommitAuthor("Ada Lovelace", "ada", "https://avatars.githubusercontent.com/u/1"), Deployment.BY_HOOK));

        assertThat(deployments().findById(d.id())).contains(d);
        assertThat(deployments().findById("dpl_missing")).isEmpty();
    }

    @Test
    void a_new_deployment_without_stats_or_route_config_reads_back_with_nulls() {
        Deployment d = inserted();
        assertThat(deployments().findById(d.id())).contains(d);
    }

    @Test
    void inserting_the_same_id_twice_is_a_duplicate() {
        Deployment d = inserted();
        assertThatThrownBy(() -> deployments().insert(d)).isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void list_by_project_is_newest_first_and_limited() {
        Instant t = now();
        List<Deployment> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(inserted(StoreFixtures.deployment(projectId, t.plusSeconds(i))));
        }
        inserted(StoreFixtures.deployment(newProjectId(), t));

        assertThat(deployments().listByProject(projectId, 3)).containsExactly(all.get(4), all.get(3), all.get(2));
        assertThat(deployments().listByProject(projectId, 100)).hasSize(5);
    }

    @Test
    void newest_of_projects_gives_each_deployed_projects_newest_one() {
        Instant t = now();
        inserted(StoreFixtures.deployment(projectId, t));
        Deployment newest = inserted(StoreFixtures.deployment(projectId, t.plusSeconds(1)));
        String other = newProjectId();
        Deployment othersOnly = inserted(StoreFixtures.deployment(other, t));
        String neverDeployed = newProjectId();

        assertThat(deployments().newestOfProjects(List.of(projectId, other, neverDeployed)))
                .containsExactlyInAnyOrder(newest, othersOnly);
        assertThat(deployments().newestOfProjects(List.of())).isEmpty();
    }

    @Test
    void queued_to_building_succeeds_once_and_stamps_started_at() {
        Deployment d = inserted();
        Instant at = now().plusSeconds(2);

        assertThat(deployments().transition(d.id(), Set.of(QUEUED), BUILDING, at)).isTrue();
        assertThat(deployments().transition(d.id(), Set.of(QUEUED), BUILDING, at.plusSeconds(1))).isFalse();

        Deployment stored = deployments().findById(d.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(BUILDING);
        assertThat(stored.startedAt()).isEqualTo(at);
        assertThat(stored.finishedAt()).isNull();
    }

    @Test
    void a_transition_from_a_status_the_deployment_is_not_in_changes_nothing() {
        Deployment d = inserted();
        assertThat(deployments().transition(d.id(), Set.of(BUILDING, UPLOADING), READY, now())).isFalse();
        assertThat(deployments().transition(d.id(), Set.of(), BUILDING, now())).isFalse();
        assertThat(deployments().transition("dpl_missing", Set.of(QUEUED), BUILDING, now())).isFalse();
        assertThat(deployments().findById(d.id())).contains(d);
    }

    @Test
    void moving_to_uploading_keeps_started_at_and_cancel_stamps_finished_at() {
        Deployment d = inserted();
        Instant started = now();
        deployments().transition(d.id(), Set.of(QUEUED), BUILDING, started);
        assertThat(deployments().transition(d.id(), Set.of(BUILDING), UPLOADING, started.plusSeconds(5))).isTrue();
        assertThat(deployments().findById(d.id()).orElseThrow().startedAt()).isEqualTo(started);

        Instant canceled = started.plusSeconds(6);
        assertThat(deployments().transition(d.id(), Set.of(QUEUED, BUILDING, UPLOADING), CANCELED, canceled)).isTrue();
        Deployment stored = deployments().findById(d.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(CANCELED);
        assertThat(stored.startedAt()).isEqualTo(started);
        assertThat(stored.finishedAt()).isEqualTo(canceled);
    }

    @Test
    void finish_records_stats_error_and_finished_at_once() {
        Deployment d = inserted();
        Instant started = now();
        deployments().transition(d.id(), Set.of(QUEUED), BUILDING, started);
        Instant finished = started.plusSeconds(30);
        DeploymentStats stats = new DeploymentStats(120, 9_876_543_210L, 7, 123_456);

        assertThat(deployments().finish(d.id(), Set.of(BUILDING, UPLOADING), READY, null, stats, finished)).isTrue();
        assertThat(deployments().finish(d.id(), Set.of(BUILDING, UPLOADING), FAILED, "late", stats,
                finished.plusSeconds(1))).isFalse();

        Deployment stored = deployments().findById(d.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(READY);
        assertThat(stored.stats()).isEqualTo(stats);
        assertThat(stored.error()).isNull();
        assertThat(stored.startedAt()).isEqualTo(started);
        assertThat(stored.finishedAt()).isEqualTo(finished);
    }

    @Test
    void a_failed_finish_round_trips_the_error() {
        Deployment d = inserted();
        deployments().transition(d.id(), Set.of(QUEUED), BUILDING, now());
        String error = "npm run build exited with 1: \"vite\" not found ✗";

        assertThat(deployments().finish(d.id(), Set.of(BUILDING), FAILED, error, DeploymentStats.EMPTY, now())).isTrue();

        Deployment stored = deployments().findById(d.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(FAILED);
        assertThat(stored.error()).isEqualTo(error);
        assertThat(stored.stats()).isEqualTo(DeploymentStats.EMPTY);
    }

    @Test
    void racing_builders_resolve_to_exactly_one_winner() throws Exception {
        Deployment d = inserted();
        assertThat(Races.winners(() -> deployments().transition(d.id(), Set.of(QUEUED), BUILDING, now()))).isOne();
    }

    @Test
    void a_release_is_claimed_once_and_only_while_uploading() throws Exception {
        Deployment d = inserted();
        assertThat(deployments().claimRelease(d.id(), now())).isFalse();
        deployments().transition(d.id(), Set.of(QUEUED), UPLOADING, now());

        assertThat(Races.winners(() -> deployments().claimRelease(d.id(), now()))).isOne();
        assertThat(deployments().claimRelease(d.id(), now())).isFalse();
        assertThat(deployments().claimRelease("dpl_missing", now())).isFalse();
        assertThat(deployments().findById(d.id()).orElseThrow().status()).isEqualTo(UPLOADING);
    }

    @Test
    void the_builds_author_name_keeps_the_github_login_and_avatar_the_push_recorded() {
        Deployment queued = StoreFixtures.deployment(projectId, now());
        Deployment d = inserted(new Deployment(queued.id(), queued.projectId(), queued.status(), queued.target(),
                queued.branch(), null, null, null, null, null, null, queued.createdAt(), null, null,
                new CommitAuthor("ada", "ada-l", "https://avatars.githubusercontent.com/u/1"), Deployment.BY_PUSH));

        deployments().recordCommit(d.id(), "0123456789abcdef", "Initial commit", "Ada Lovelace");
        assertThat(deployments().findById(d.id()).orElseThrow().author())
                .isEqualTo(new CommitAuthor("Ada Lovelace", "ada-l", "https://avatars.githubusercontent.com/u/1"));

        deployments().recordCommit(d.id(), "0123456789abcdef", "Initial commit", " ");
        assertThat(deployments().findById(d.id()).orElseThrow().author().name()).isEqualTo("Ada Lovelace");
    }

    @Test
    void commit_and_route_config_are_recorded() {
        Deployment d = inserted();
        RouteConfig routes = new RouteConfig(null, true, true, null, List.of(), List.of());

        deployments().recordCommit(d.id(), "0123456789abcdef", "Initial commit", "Ada Lovelace");
        deployments().recordRouteConfig(d.id(), routes);

        Deployment stored = deployments().findById(d.id()).orElseThrow();
        assertThat(stored.commitSha()).isEqualTo("0123456789abcdef");
        assertThat(stored.commitMessage()).isEqualTo("Initial commit");
        assertThat(stored.author()).isEqualTo(new CommitAuthor("Ada Lovelace", null, null));
        assertThat(stored.routeConfig()).isEqualTo(routes);

        deployments().recordRouteConfig(d.id(), RouteConfig.DEFAULTS);
        assertThat(deployments().findById(d.id()).orElseThrow().routeConfig()).isEqualTo(RouteConfig.DEFAULTS);
    }

    @Test
    void functions_their_backends_and_their_routes_are_recorded_and_read_back_by_every_query() {
        Deployment d = inserted();
        FunctionManifest manifest = new FunctionManifest(1, List.of(new FunctionManifest.Function("api/users/[id]",
                "/api/users/[id]", "api/users/[id].js", FunctionManifest.NODE, "node/api/users/[id].mjs")),
                new FunctionManifest.App(FunctionManifest.PYTHON, "main:app", "asgi", null, List.of("static/"), "3.11"));
        RouteConfig routes = RouteConfig.DEFAULTS.withFunctions(
                List.of(new RouteConfig.FunctionRoute("/api/users/[id]", "api/users/[id]", FunctionManifest.NODE)),
                new RouteConfig.AppRoute(FunctionManifest.PYTHON, List.of("static/")));
        Map<String, String> backends = Map.of("node", "local:" + d.id() + "/node", "python", "local:" + d.id() + "/python");

        assertThat(deployments().findById(d.id()).orElseThrow().functions()).isNull();
        deployments().recordRouteConfig(d.id(), routes);
        deployments().recordFunctions(d.id(), manifest, backends);

        Deployment stored = deployments().findById(d.id()).orElseThrow();
        assertThat(stored.functions()).isEqualTo(manifest);
        assertThat(stored.backends()).isEqualTo(backends);
        assertThat(stored.routeConfig()).isEqualTo(routes);
        assertThat(deployments().listByProject(projectId, 10)).singleElement()
                .satisfies(listed -> assertThat(listed.backends()).isEqualTo(backends));
    }

    @Test
    void list_stale_uses_started_at_or_created_at_when_never_started() {
        Instant now = now();
        Deployment oldQueued = inserted(StoreFixtures.deployment(projectId, now.minusSeconds(3600)));
        Deployment freshQueued = inserted(StoreFixtures.deployment(projectId, now));
        Deployment oldButRecentlyStarted = inserted(StoreFixtures.deployment(projectId, now.minusSeconds(3600)));
        Deployment longBuilding = inserted(StoreFixtures.deployment(projectId, now.minusSeconds(7200)));
        deployments().transition(oldButRecentlyStarted.id(), Set.of(QUEUED), BUILDING, now.minusSeconds(10));
        deployments().transition(longBuilding.id(), Set.of(QUEUED), BUILDING, now.minusSeconds(3000));

        Instant cutoff = now.minusSeconds(900);
        assertThat(deployments().listStale(QUEUED, cutoff)).extracting(Deployment::id)
                .contains(oldQueued.id()).doesNotContain(freshQueued.id(), oldButRecentlyStarted.id());
        assertThat(deployments().listStale(BUILDING, cutoff)).extracting(Deployment::id)
                .contains(longBuilding.id()).doesNotContain(oldButRecentlyStarted.id());
        assertThat(deployments().listStale(DeploymentStatus.READY, cutoff)).extracting(Deployment::id)
                .doesNotContain(oldQueued.id(), longBuilding.id());
    }

    @Test
    void retention_looks_at_projects_with_a_finished_deployment_older_than_the_cutoff() {
        Instant now = now();
        Deployment oldFailed = inserted(StoreFixtures.deployment(projectId, now.minusSeconds(7200)));
        deployments().transition(oldFailed.id(), Set.of(QUEUED), DeploymentStatus.FAILED, now.minusSeconds(7000));
        String otherProject = newProjectId();
        inserted(StoreFixtures.deployment(otherProject, now.minusSeconds(7200))); // old but still queued
        String recentProject = newProjectId();
        Deployment recent = inserted(StoreFixtures.deployment(recentProject, now));
        deployments().transition(recent.id(), Set.of(QUEUED), DeploymentStatus.CANCELED, now);

        assertThat(deployments().projectsWithFinishedBefore(now.minusSeconds(3600)))
                .contains(projectId).doesNotContain(otherProject, recentProject);
    }

    @Test
    void a_deleted_deployment_is_gone_and_deleting_it_again_says_so() {
        Deployment d = inserted();
        Deployment other = inserted();
        assertThat(deployments().delete(d.id())).isTrue();
        assertThat(deployments().findById(d.id())).isEmpty();
        assertThat(deployments().listByProject(projectId, 10)).extracting(Deployment::id).containsExactly(other.id());
        assertThat(deployments().delete(d.id())).isFalse();
    }

    @Test
    void newest_ready_is_the_branchs_newest_ready_deployment() {
        Instant t = now();
        Deployment older = inserted(StoreFixtures.deployment(projectId, "feature", t));
        Deployment newer = inserted(StoreFixtures.deployment(projectId, "feature", t.plusSeconds(1)));
        inserted(StoreFixtures.deployment(projectId, "feature", t.plusSeconds(2))); // newest, still queued
        Deployment otherBranch = inserted(StoreFixtures.deployment(projectId, "main", t.plusSeconds(3)));
        for (Deployment d : List.of(older, newer, otherBranch)) {
            deployments().finish(d.id(), Set.of(QUEUED), READY, null, DeploymentStats.EMPTY, t);
        }

        assertThat(deployments().newestReady(projectId, "feature").orElseThrow().id()).isEqualTo(newer.id());
        assertThat(deployments().newestReady(projectId, "gone")).isEmpty();
    }

    @Test
    void list_queued_is_the_branchs_waiting_deployments_oldest_first() {
        Instant t = now();
        Deployment second = inserted(StoreFixtures.deployment(projectId, "main", t.plusSeconds(1)));
        Deployment first = inserted(StoreFixtures.deployment(projectId, "main", t));
        Deployment started = inserted(StoreFixtures.deployment(projectId, "main", t.minusSeconds(1)));
        inserted(StoreFixtures.deployment(projectId, "feature", t));
        deployments().transition(started.id(), Set.of(QUEUED), BUILDING, t);

        assertThat(deployments().listQueued(projectId, "main")).extracting(Deployment::id)
                .containsExactly(first.id(), second.id());
    }

    @Test
    void list_by_commit_finds_requested_and_checked_out_commits_newest_first() {
        Instant t = now();
        Deployment checkedOut = inserted(StoreFixtures.deployment(projectId, t));
        deployments().recordCommit(checkedOut.id(), "c0ffee", "Fix", null);
        Deployment q = StoreFixtures.deployment(projectId, t.plusSeconds(1));
        Deployment requested = inserted(new Deployment(q.id(), projectId, QUEUED, q.target(), q.branch(), "c0ffee",
                null, null, null, null, null, q.createdAt(), null, null, null, Deployment.BY_REDEPLOY));
        inserted(StoreFixtures.deployment(projectId, t.plusSeconds(2)));

        assertThat(deployments().listByCommit(projectId, "c0ffee")).extracting(Deployment::id)
                .containsExactly(requested.id(), checkedOut.id());
        assertThat(deployments().listByCommit(newProjectId(), "c0ffee")).isEmpty();
    }
}
