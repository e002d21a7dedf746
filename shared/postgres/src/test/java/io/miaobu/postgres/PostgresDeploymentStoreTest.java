package io.miaobu.postgres;

import static io.miaobu.deploy.DeploymentStatus.BUILDING;
import static io.miaobu.deploy.DeploymentStatus.CANCELED;
import static io.miaobu.deploy.DeploymentStatus.FAILED;
import static io.miaobu.deploy.DeploymentStatus.QUEUED;
import static io.miaobu.deploy.DeploymentStatus.READY;
import static io.miaobu.deploy.DeploymentStatus.UPLOADING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.deploy.CommitAuthor;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.Initiator;
import io.miaobu.auth.User;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.rules.HeaderRule;
import io.miaobu.edge.rules.RedirectRule;
import io.miaobu.projects.Project;
import io.miaobu.store.DuplicateKeyException;
import io.miaobu.testkit.TestPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresDeploymentStoreTest {
    static PostgresDatabase db;
    Project project;

    @BeforeAll
    static void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase(), null, null);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void newProject() {
        project = Fixtures.project(db, Fixtures.user(db).id());
    }

    @Test
    void a_fully_populated_deployment_round_trips() {
        Instant t = Fixtures.now();
        RouteConfig routes = new RouteConfig(true, false, false, "404.html",
                List.of(new RedirectRule("/old", List.of(List.of("id", ":id")), "/new/:id", 301, true)),
                List.of(new HeaderRule("/*", Map.of("x-frame-options", "DENY"), List.of("x-powered-by"))));
        Deployment d = new Deployment(Fixtures.id("dpl"), project.id(), READY, Deployment.PREVIEW, "feature/x",
                "abc", "abcdef0123", "Fix the thing\n\nLonger body", null, new DeploymentStats(10, 2048, 3, 512),
                routes, t, t.plusSeconds(1), t.plusSeconds(9), new CommitAuthor("Ada Lovelace", "ada", "https://avatars.githubusercontent.com/u/1"),
                Deployment.BY_HOOK);
        db.deployments().insert(d);

        assertThat(db.deployments().findById(d.id())).contains(d);
        assertThat(db.deployments().findById("dpl_missing")).isEmpty();
    }

    @Test
    void who_started_a_deployment_reads_back_after_that_user_is_deleted() {
        User starter = Fixtures.user(db);
        Deployment queued = Fixtures.deployment(project.id(), Fixtures.now());
        Deployment d = new Deployment(queued.id(), queued.projectId(), queued.status(), queued.target(), queued.branch(),
                null, null, null, null, null, null, queued.createdAt(), null, null, null, Deployment.BY_REDEPLOY,
                Initiator.user(starter.id(), "alice", "https://avatars.githubusercontent.com/u/7?v=4"));
        db.deployments().insert(d);

        db.jdbi().useHandle(h -> h.execute("DELETE FROM users WHERE id = ?", starter.id()));

        assertThat(db.deployments().findById(d.id())).contains(d);
    }

    @Test
    void a_deploy_hooks_name_reads_back() {
        Deployment queued = Fixtures.deployment(project.id(), Fixtures.now());
        Deployment d = new Deployment(queued.id(), queued.projectId(), queued.status(), queued.target(), queued.branch(),
                null, null, null, null, null, null, queued.createdAt(), null, null, null, Deployment.BY_HOOK,
                Initiator.hook("CMS publish"));
        db.deployments().insert(d);

        assertThat(db.deployments().findById(d.id()).orElseThrow().initiator().hookName()).isEqualTo("CMS publish");
    }

    @Test
    void a_new_deployment_without_stats_or_route_config_reads_back_with_nulls() {
        Deployment d = Fixtures.deployment(db, project.id());
        assertThat(db.deployments().findById(d.id())).contains(d);
    }

    @Test
    void inserting_the_same_id_twice_is_a_duplicate() {
        Deployment d = Fixtures.deployment(db, project.id());
        assertThatThrownBy(() -> db.deployments().insert(d)).isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void list_by_project_is_newest_first_and_limited() {
        Instant t = Fixtures.now();
        List<Deployment> inserted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Deployment d = Fixtures.deployment(project.id(), t.plusSeconds(i));
            db.deployments().insert(d);
            inserted.add(d);
        }
        Fixtures.deployment(db, Fixtures.project(db, project.ownerId()).id());

        assertThat(db.deployments().listByProject(project.id(), 3))
                .containsExactly(inserted.get(4), inserted.get(3), inserted.get(2));
        assertThat(db.deployments().listByProject(project.id(), 100)).hasSize(5);
    }

    @Test
    void queued_to_building_succeeds_once_and_stamps_started_at() {
        Deployment d = Fixtures.deployment(db, project.id());
        Instant at = Fixtures.now().plusSeconds(2);

        assertThat(db.deployments().transition(d.id(), Set.of(QUEUED), BUILDING, at)).isTrue();
        assertThat(db.deployments().transition(d.id(), Set.of(QUEUED), BUILDING, at.plusSeconds(1))).isFalse();

        Deployment stored = db.deployments().findById(d.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(BUILDING);
        assertThat(stored.startedAt()).isEqualTo(at);
        assertThat(stored.finishedAt()).isNull();
    }

    @Test
    void a_transition_from_a_status_the_deployment_is_not_in_changes_nothing() {
        Deployment d = Fixtures.deployment(db, project.id());
        assertThat(db.deployments().transition(d.id(), Set.of(BUILDING, UPLOADING), READY, Fixtures.now())).isFalse();
        assertThat(db.deployments().transition(d.id(), Set.of(), BUILDING, Fixtures.now())).isFalse();
        assertThat(db.deployments().transition("dpl_missing", Set.of(QUEUED), BUILDING, Fixtures.now())).isFalse();
        assertThat(db.deployments().findById(d.id()).orElseThrow()).isEqualTo(d);
    }

    @Test
    void moving_to_uploading_keeps_started_at_and_cancel_stamps_finished_at() {
        Deployment d = Fixtures.deployment(db, project.id());
        Instant started = Fixtures.now();
        db.deployments().transition(d.id(), Set.of(QUEUED), BUILDING, started);
        assertThat(db.deployments().transition(d.id(), Set.of(BUILDING), UPLOADING, started.plusSeconds(5))).isTrue();
        assertThat(db.deployments().findById(d.id()).orElseThrow().startedAt()).isEqualTo(started);

        Instant canceled = started.plusSeconds(6);
        assertThat(db.deployments().transition(d.id(), Set.of(QUEUED, BUILDING, UPLOADING), CANCELED, canceled))
                .isTrue();
        Deployment stored = db.deployments().findById(d.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(CANCELED);
        assertThat(stored.startedAt()).isEqualTo(started);
        assertThat(stored.finishedAt()).isEqualTo(canceled);
    }

    @Test
    void finish_records_stats_error_and_finished_at_once() {
        Deployment d = Fixtures.deployment(db, project.id());
        Instant started = Fixtures.now();
        db.deployments().transition(d.id(), Set.of(QUEUED), BUILDING, started);
        Instant finished = started.plusSeconds(30);
        DeploymentStats stats = new DeploymentStats(120, 9_876_543_210L, 7, 123_456);

        assertThat(db.deployments().finish(d.id(), Set.of(BUILDING, UPLOADING), READY, null, stats, finished)).isTrue();
        assertThat(db.deployments().finish(d.id(), Set.of(BUILDING, UPLOADING), FAILED, "late", stats,
                finished.plusSeconds(1))).isFalse();

        Deployment stored = db.deployments().findById(d.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(READY);
        assertThat(stored.stats()).isEqualTo(stats);
        assertThat(stored.error()).isNull();
        assertThat(stored.startedAt()).isEqualTo(started);
        assertThat(stored.finishedAt()).isEqualTo(finished);
    }

    @Test
    void a_failed_finish_round_trips_the_error() {
        Deployment d = Fixtures.deployment(db, project.id());
        db.deployments().transition(d.id(), Set.of(QUEUED), BUILDING, Fixtures.now());
        String error = "npm run build exited with 1: \"vite\" not found ✗";

        assertThat(db.deployments().finish(d.id(), Set.of(BUILDING), FAILED, error, DeploymentStats.EMPTY,
                Fixtures.now())).isTrue();

        Deployment stored = db.deployments().findById(d.id()).orElseThrow();
        assertThat(stored.status()).isEqualTo(FAILED);
        assertThat(stored.error()).isEqualTo(error);
        assertThat(stored.stats()).isEqualTo(DeploymentStats.EMPTY);
    }

    @Test
    void racing_builders_resolve_to_exactly_one_winner() throws Exception {
        Deployment d = Fixtures.deployment(db, project.id());
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                Callable<Boolean> race = () -> {
                    go.await();
                    return db.deployments().transition(d.id(), Set.of(QUEUED), BUILDING, Fixtures.now());
                };
                results.add(pool.submit(race));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isOne();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void the_builds_author_name_keeps_the_github_login_and_avatar_the_push_recorded() {
        Deployment queued = Fixtures.deployment(project.id(), Fixtures.now());
        Deployment d = new Deployment(queued.id(), queued.projectId(), queued.status(), queued.target(), queued.branch(),
                null, null, null, null, null, null, queued.createdAt(), null, null,
                new CommitAuthor("ada", "ada-l", "https://avatars.githubusercontent.com/u/1"), Deployment.BY_PUSH);
        db.deployments().insert(d);

        db.deployments().recordCommit(d.id(), "0123456789abcdef", "Initial commit", "Ada Lovelace");
        assertThat(db.deployments().findById(d.id()).orElseThrow().author())
                .isEqualTo(new CommitAuthor("Ada Lovelace", "ada-l", "https://avatars.githubusercontent.com/u/1"));

        db.deployments().recordCommit(d.id(), "0123456789abcdef", "Initial commit", " ");
        assertThat(db.deployments().findById(d.id()).orElseThrow().author().name()).isEqualTo("Ada Lovelace");
    }

    @Test
    void commit_and_route_config_are_recorded() {
        Deployment d = Fixtures.deployment(db, project.id());
        RouteConfig routes = new RouteConfig(null, true, true, null, List.of(), List.of());

        db.deployments().recordCommit(d.id(), "0123456789abcdef", "Initial commit", "Ada Lovelace");
        db.deployments().recordRouteConfig(d.id(), routes);

        Deployment stored = db.deployments().findById(d.id()).orElseThrow();
        assertThat(stored.commitSha()).isEqualTo("0123456789abcdef");
        assertThat(stored.commitMessage()).isEqualTo("Initial commit");
        assertThat(stored.author()).isEqualTo(new CommitAuthor("Ada Lovelace", null, null));
        assertThat(stored.routeConfig()).isEqualTo(routes);

        db.deployments().recordRouteConfig(d.id(), RouteConfig.DEFAULTS);
        assertThat(db.deployments().findById(d.id()).orElseThrow().routeConfig()).isEqualTo(RouteConfig.DEFAULTS);
        String type = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT jsonb_typeof(route_config) FROM deployments WHERE id = :id").bind("id", d.id())
                .mapTo(String.class).one());
        assertThat(type).isEqualTo("object");
    }

    @Test
    void list_stale_uses_started_at_or_created_at_when_never_started() {
        Instant now = Fixtures.now();
        Deployment oldQueued = Fixtures.deployment(project.id(), now.minusSeconds(3600));
        Deployment freshQueued = Fixtures.deployment(project.id(), now);
        Deployment oldButRecentlyStarted = Fixtures.deployment(project.id(), now.minusSeconds(3600));
        Deployment longBuilding = Fixtures.deployment(project.id(), now.minusSeconds(7200));
        for (Deployment d : List.of(oldQueued, freshQueued, oldButRecentlyStarted, longBuilding)) {
            db.deployments().insert(d);
        }
        db.deployments().transition(oldButRecentlyStarted.id(), Set.of(QUEUED), BUILDING, now.minusSeconds(10));
        db.deployments().transition(longBuilding.id(), Set.of(QUEUED), BUILDING, now.minusSeconds(3000));

        Instant cutoff = now.minusSeconds(900);
        assertThat(db.deployments().listStale(QUEUED, cutoff)).extracting(Deployment::id)
                .contains(oldQueued.id()).doesNotContain(freshQueued.id(), oldButRecentlyStarted.id());
        assertThat(db.deployments().listStale(BUILDING, cutoff)).extracting(Deployment::id)
                .contains(longBuilding.id()).doesNotContain(oldButRecentlyStarted.id());
        assertThat(db.deployments().listStale(DeploymentStatus.READY, cutoff)).extracting(Deployment::id)
                .doesNotContain(oldQueued.id(), longBuilding.id());
    }

    @Test
    void a_deployment_for_a_missing_project_is_refused() {
        Deployment orphan = Fixtures.deployment("prj_missing", Fixtures.now());
        assertThatThrownBy(() -> db.deployments().insert(orphan)).isNotInstanceOf(DuplicateKeyException.class);
    }
}
