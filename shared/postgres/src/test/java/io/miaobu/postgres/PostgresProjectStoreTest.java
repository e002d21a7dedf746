package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.auth.User;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.LogLine;
import io.miaobu.projects.Project;
import io.miaobu.store.DuplicateKeyException;
import io.miaobu.testkit.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresProjectStoreTest {
    static PostgresDatabase db;

    @BeforeAll
    static void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase(), null, null);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void an_inserted_project_round_trips_by_id_and_slug() {
        User owner = Fixtures.user(db);
        Project project = Fixtures.project(db, owner.id());

        assertThat(db.projects().findById(project.id())).contains(project);
        assertThat(db.projects().findBySlug(project.slug())).contains(project);
        assertThat(db.projects().findById("prj_missing")).isEmpty();
        assertThat(db.projects().findBySlug("no-such-slug")).isEmpty();
    }

    @Test
    void a_taken_slug_is_a_duplicate_on_insert_and_on_update() {
        User owner = Fixtures.user(db);
        Project first = Fixtures.project(db, owner.id());
        Project clash = Fixtures.project(owner.id(), Fixtures.now());
        Project sameSlug = new Project(clash.id(), owner.id(), "x", first.slug(), null, null, null, null, null, null,
                null, false, null, clash.createdAt(), clash.updatedAt());

        assertThatThrownBy(() -> db.projects().insert(sameSlug)).isInstanceOf(DuplicateKeyException.class);

        Project second = Fixtures.project(db, owner.id());
        Project renamed = new Project(second.id(), owner.id(), second.name(), first.slug(), null, null, null, null,
                null, null, null, false, null, second.createdAt(), Fixtures.now());
        assertThatThrownBy(() -> db.projects().update(renamed)).isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void list_by_owner_is_newest_first_and_only_that_owner() {
        User owner = Fixtures.user(db);
        User other = Fixtures.user(db);
        Instant t = Fixtures.now();
        Project oldest = Fixtures.project(owner.id(), t.minusSeconds(30));
        Project newest = Fixtures.project(owner.id(), t);
        Project middle = Fixtures.project(owner.id(), t.minusSeconds(10));
        for (Project p : List.of(oldest, newest, middle)) {
            db.projects().insert(p);
        }
        Fixtures.project(db, other.id());

        assertThat(db.projects().listByOwner(owner.id())).containsExactly(newest, middle, oldest);
        assertThat(db.projects().listByOwner("usr_nobody")).isEmpty();
    }

    @Test
    void update_writes_the_settings_but_not_the_owner_live_deployment_or_creation_time() {
        User owner = Fixtures.user(db);
        Project project = Fixtures.project(db, owner.id());
        Deployment live = Fixtures.deployment(db, project.id());
        assertThat(db.projects().setLiveDeployment(project.id(), live.id())).isTrue();

        Instant later = Fixtures.now().plusSeconds(5);
        Project edited = new Project(project.id(), "usr_someone_else", "Renamed", project.slug() + "-2",
                "https://example.com/other.git", "acme/other", "trunk", "web", "pnpm install", "pnpm build", "out",
                false, null, later, later);
        db.projects().update(edited);

        Project stored = db.projects().findById(project.id()).orElseThrow();
        assertThat(stored).isEqualTo(new Project(project.id(), owner.id(), "Renamed", project.slug() + "-2",
                "https://example.com/other.git", "acme/other", "trunk", "web", "pnpm install", "pnpm build", "out",
                false, live.id(), project.createdAt(), later));
    }

    @Test
    void set_live_deployment_reports_whether_the_project_exists() {
        User owner = Fixtures.user(db);
        Project project = Fixtures.project(db, owner.id());
        Deployment d = Fixtures.deployment(db, project.id());

        assertThat(db.projects().setLiveDeployment(project.id(), d.id())).isTrue();
        assertThat(db.projects().findById(project.id()).orElseThrow().liveDeploymentId()).isEqualTo(d.id());
        assertThat(db.projects().setLiveDeployment("prj_gone", d.id())).isFalse();
    }

    @Test
    void deleting_a_live_project_cascades_to_its_deployments_logs_and_jobs() {
        User owner = Fixtures.user(db);
        Project project = Fixtures.project(db, owner.id());
        Project kept = Fixtures.project(db, owner.id());
        Deployment d = Fixtures.deployment(db, project.id());
        Deployment keptDeployment = Fixtures.deployment(db, kept.id());
        db.projects().setLiveDeployment(project.id(), d.id());
        db.logs().append(d.id(), List.of(new LogLine(1, Fixtures.now(), "stdout", "hello")));
        db.jobQueue().send(new BuildJob(d.id()));
        db.jobQueue().send(new BuildJob(keptDeployment.id()));

        db.projects().delete(project.id());

        assertThat(db.projects().findById(project.id())).isEmpty();
        assertThat(db.deployments().findById(d.id())).isEmpty();
        assertThat(db.logs().after(d.id(), 0, 10)).isEmpty();
        assertThat(count("SELECT count(*) FROM build_jobs WHERE deployment_id = '" + d.id() + "'")).isZero();
        assertThat(db.deployments().findById(keptDeployment.id())).isPresent();
        assertThat(count("SELECT count(*) FROM build_jobs WHERE deployment_id = '" + keptDeployment.id() + "'"))
                .isOne();
        // deleting what is already gone is fine
        db.projects().delete(project.id());
        // and the remaining job is still receivable
        assertThat(db.jobQueue().receive(Duration.ofSeconds(30))).isPresent();
    }

    @Test
    void deleting_a_user_deletes_their_projects() {
        User owner = Fixtures.user(db);
        Project project = Fixtures.project(db, owner.id());
        db.jdbi().useHandle(h -> h.execute("DELETE FROM users WHERE id = ?", owner.id()));
        assertThat(db.projects().findById(project.id())).isEmpty();
    }

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
