package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.auth.User;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.LogLine;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import io.miaobu.testkit.ProjectStoreContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ProjectStore contract on PostgreSQL, plus what its foreign keys add (cascades). */
class PostgresProjectStoreTest extends ProjectStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected ProjectStore projects() {
        return database.get().projects();
    }

    @Override
    protected String newOwnerId() {
        return Fixtures.user(database.get()).id();
    }

    @Override
    protected String newDeploymentOf(String projectId) {
        return Fixtures.deployment(database.get(), projectId).id();
    }

    @Test
    void deleting_a_live_project_cascades_to_its_deployments_logs_and_jobs() {
        User owner = Fixtures.user(database.get());
        Project project = Fixtures.project(database.get(), owner.id());
        Project kept = Fixtures.project(database.get(), owner.id());
        Deployment d = Fixtures.deployment(database.get(), project.id());
        Deployment keptDeployment = Fixtures.deployment(database.get(), kept.id());
        database.get().projects().setLiveDeployment(project.id(), d.id());
        database.get().logs().append(d.id(), List.of(new LogLine(1, Fixtures.now(), "stdout", "hello")));
        database.get().jobQueue().send(new BuildJob(d.id()));
        database.get().jobQueue().send(new BuildJob(keptDeployment.id()));

        database.get().projects().delete(project.id());

        assertThat(database.get().projects().findById(project.id())).isEmpty();
        assertThat(database.get().deployments().findById(d.id())).isEmpty();
        assertThat(database.get().logs().after(d.id(), 0, 10)).isEmpty();
        assertThat(count("SELECT count(*) FROM build_jobs WHERE deployment_id = '" + d.id() + "'")).isZero();
        assertThat(database.get().deployments().findById(keptDeployment.id())).isPresent();
        assertThat(count("SELECT count(*) FROM build_jobs WHERE deployment_id = '" + keptDeployment.id() + "'"))
                .isOne();
        // deleting what is already gone is fine
        database.get().projects().delete(project.id());
        // and the remaining job is still receivable
        assertThat(database.get().jobQueue().receive(Duration.ofSeconds(30))).isPresent();
    }

    @Test
    void deleting_a_user_deletes_their_projects() {
        User owner = Fixtures.user(database.get());
        Project project = Fixtures.project(database.get(), owner.id());
        database.get().jdbi().useHandle(h -> h.execute("DELETE FROM users WHERE id = ?", owner.id()));
        assertThat(database.get().projects().findById(project.id())).isEmpty();
    }

    private static long count(String sql) {
        return database.get().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
