package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.LogLine;
import io.miaobu.testkit.BuildLogStoreContract;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The BuildLogStore contract on PostgreSQL, plus what the table adds (lines go with their deployment). */
class PostgresBuildLogStoreTest extends BuildLogStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected BuildLogStore logs() {
        return database.get().logs();
    }

    @Override
    protected String newDeploymentId() {
        return Fixtures.deployment(database.get(), Fixtures.projectId(database.get())).id();
    }

    @Test
    void deleting_the_project_forgets_its_deployments_lines_and_end() {
        PostgresDatabase db = database.get();
        Deployment d = Fixtures.deployment(db, Fixtures.project(db, Fixtures.user(db).id()).id());
        db.logs().append(d.id(), List.of(new LogLine(1, Fixtures.now(), "stdout", "building")));
        db.logs().end(d.id(), 1, Fixtures.now());

        db.projects().delete(d.projectId());

        assertThat(db.logs().after(d.id(), 0, 10)).isEmpty();
        assertThat(db.logs().lastLine(d.id())).isEmpty();
    }
}
