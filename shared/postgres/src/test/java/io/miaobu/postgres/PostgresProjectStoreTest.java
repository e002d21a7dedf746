package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.auth.User;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.LogLine;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import io.miaobu.testkit.ProjectStoreContract;
import io.miaobu.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ProjectStore contract on PostgreSQL, plus what its foreign keys add (cascades). */
class PostgresProjectStoreTest extends ProjectStoreContract {
    static PostgresDatabase db;

    @BeforeAll
    static void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase(), null, null);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected ProjectStore projects() {
        return db.projects();
    }

    @Override
    protected String newOwnerId() {
        return Fixtures.user(db).id();
    }

    @Override
    protected String newDeploymentOf(String projectId) {
        return Fixtures.deployment(db, projectId).id();
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
