package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentFileStore;
import io.miaobu.deploy.DeploymentFileStore.Blob;
import io.miaobu.deploy.DeploymentFileStore.FileEntry;
import io.miaobu.projects.Project;
import io.miaobu.testkit.DeploymentFileStoreContract;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The DeploymentFileStore contract on PostgreSQL, plus what the tables add (cascades). */
class PostgresDeploymentFileStoreTest extends DeploymentFileStoreContract {
    private static final String A = "a".repeat(64);

    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected DeploymentFileStore files() {
        return database.get().files();
    }

    @Override
    protected String newProjectId() {
        return Fixtures.projectId(database.get());
    }

    @Override
    protected String newDeploymentOf(String projectId) {
        return Fixtures.deployment(database.get(), projectId).id();
    }

    @Test
    void deleting_the_project_forgets_its_content_and_deployment_files() {
        PostgresDatabase db = database.get();
        Project project = Fixtures.project(db, Fixtures.user(db).id());
        Deployment d = Fixtures.deployment(db, project.id());
        db.files().recordBlobs(project.id(), List.of(new Blob(A, 1)), Fixtures.now());
        db.files().recordFiles(d.id(), List.of(new FileEntry("index.html", A, 1)));

        db.projects().delete(project.id());

        assertThat(db.files().storedSizes(project.id(), List.of(A))).isEmpty();
        assertThat(db.files().files(d.id())).isEmpty();
    }
}
