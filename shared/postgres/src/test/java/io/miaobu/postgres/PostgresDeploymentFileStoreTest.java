package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentFileStore.Blob;
import io.miaobu.deploy.DeploymentFileStore.FileEntry;
import io.miaobu.projects.Project;
import io.miaobu.testkit.TestPostgres;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresDeploymentFileStoreTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    PostgresDatabase db;
    Project project;

    @BeforeEach
    void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        project = Fixtures.project(db, Fixtures.user(db).id());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void stored_content_is_known_to_its_project_only_and_recording_it_twice_is_harmless() {
        db.files().recordBlobs(project.id(), List.of(new Blob(A, 10), new Blob(B, 20)), Fixtures.now());
        db.files().recordBlobs(project.id(), List.of(new Blob(A, 10)), Fixtures.now());
        assertThat(db.files().storedSizes(project.id(), List.of(A, B, C))).containsExactlyInAnyOrderEntriesOf(Map.of(A, 10L, B, 20L));
        Project other = Fixtures.project(db, Fixtures.user(db).id());
        assertThat(db.files().storedSizes(other.id(), List.of(A, B, C))).isEmpty();
        assertThat(db.files().storedSizes(project.id(), List.of())).isEmpty();
    }

    @Test
    void a_deployments_files_read_back_by_path_and_answer_which_digests_they_list() {
        Deployment d = Fixtures.deployment(db, project.id());
        db.files().recordFiles(d.id(), List.of(new FileEntry("z.html", A, 1), new FileEntry("a/b.css", B, 2), new FileEntry("copy.css", B, 2)));
        assertThat(db.files().files(d.id())).extracting(FileEntry::path).containsExactly("a/b.css", "copy.css", "z.html");
        assertThat(db.files().listedSizes(d.id(), List.of(A, B, C))).containsExactlyInAnyOrderEntriesOf(Map.of(A, 1L, B, 2L));
        assertThat(db.files().files("dpl_other")).isEmpty();
    }

    @Test
    void a_digest_that_is_not_sha256_hex_is_refused_by_the_schema() {
        assertThatThrownBy(() -> db.files().recordBlobs(project.id(), List.of(new Blob("../../etc", 1)), Fixtures.now()))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void deleting_the_project_forgets_its_content_and_deployment_files() {
        Deployment d = Fixtures.deployment(db, project.id());
        db.files().recordBlobs(project.id(), List.of(new Blob(A, 1)), Fixtures.now());
        db.files().recordFiles(d.id(), List.of(new FileEntry("index.html", A, 1)));
        db.projects().delete(project.id());
        assertThat(db.files().storedSizes(project.id(), List.of(A))).isEmpty();
        assertThat(db.files().files(d.id())).isEmpty();
    }
}
