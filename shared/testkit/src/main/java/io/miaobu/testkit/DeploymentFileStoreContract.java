package io.miaobu.testkit;

import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.deploy.DeploymentFileStore;
import io.miaobu.deploy.DeploymentFileStore.Blob;
import io.miaobu.deploy.DeploymentFileStore.FileEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every DeploymentFileStore does: PostgreSQL's and the in-memory one the core's unit tests use.
 * Content is known per project only (nobody learns whether another tenant has a file by asking for
 * its digest), the first size recorded for a digest is the one kept, and digests are SHA-256 hex, so
 * one can never name another object.
 */
public abstract class DeploymentFileStoreContract {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    protected abstract DeploymentFileStore files();

    /** The id of a new project content may belong to (a real row where the store needs one). */
    protected abstract String newProjectId();

    /** The id of a new deployment of {@code projectId}. */
    protected abstract String newDeploymentOf(String projectId);

    private String projectId;

    @BeforeEach
    void newProject() {
        projectId = newProjectId();
    }

    @Test
    void stored_content_is_known_to_its_project_only_and_recording_it_twice_is_harmless() {
        files().recordBlobs(projectId, List.of(new Blob(A, 10), new Blob(B, 20)), now());
        files().recordBlobs(projectId, List.of(new Blob(A, 10)), now());

        assertThat(files().storedSizes(projectId, List.of(A, B, C))).containsExactlyInAnyOrderEntriesOf(Map.of(A, 10L, B, 20L));
        assertThat(files().storedSizes(newProjectId(), List.of(A, B, C))).isEmpty();
        assertThat(files().storedSizes(projectId, List.of())).isEmpty();
        assertThat(files().storedSizes(projectId, List.of(A, A))).containsExactly(Map.entry(A, 10L));
    }

    @Test
    void the_first_size_recorded_for_content_is_the_one_kept() {
        files().recordBlobs(projectId, List.of(new Blob(A, 10)), now());
        files().recordBlobs(projectId, List.of(new Blob(A, 99)), now());

        assertThat(files().storedSizes(projectId, List.of(A))).containsExactly(Map.entry(A, 10L));
    }

    @Test
    void a_deployments_files_read_back_by_path_and_answer_which_digests_they_list() {
        String d = newDeploymentOf(projectId);
        files().recordFiles(d, List.of(new FileEntry("z.html", A, 1), new FileEntry("a/b.css", B, 2),
                new FileEntry("copy.css", B, 2), new FileEntry("empty.txt", C, 0)));

        assertThat(files().files(d)).containsExactly(new FileEntry("a/b.css", B, 2), new FileEntry("copy.css", B, 2),
                new FileEntry("empty.txt", C, 0), new FileEntry("z.html", A, 1));
        assertThat(files().listedSizes(d, List.of(A, B, "d".repeat(64)))).containsExactlyInAnyOrderEntriesOf(Map.of(A, 1L, B, 2L));
        assertThat(files().listedSizes(d, List.of())).isEmpty();
    }

    @Test
    void files_belong_to_their_deployment_only() {
        String d = newDeploymentOf(projectId);
        String other = newDeploymentOf(projectId);
        files().recordFiles(d, List.of(new FileEntry("index.html", A, 1)));

        assertThat(files().files(other)).isEmpty();
        assertThat(files().listedSizes(other, List.of(A))).isEmpty();
        assertThat(files().files("dpl_missing")).isEmpty();
    }

    @Test
    void a_digest_that_is_not_lowercase_sha256_hex_is_refused() {
        String d = newDeploymentOf(projectId);
        assertThatThrownBy(() -> files().recordBlobs(projectId, List.of(new Blob("../../etc", 1)), now()))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> files().recordBlobs(projectId, List.of(new Blob("A".repeat(64), 1)), now()))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> files().recordFiles(d, List.of(new FileEntry("x", "../" + A, 1))))
                .isInstanceOf(RuntimeException.class);
        assertThat(files().storedSizes(projectId, List.of("A".repeat(64), "../../etc"))).isEmpty();
        assertThat(files().files(d)).isEmpty();
    }

    @Test
    void a_negative_size_is_refused() {
        String d = newDeploymentOf(projectId);
        assertThatThrownBy(() -> files().recordBlobs(projectId, List.of(new Blob(A, -1)), now()))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> files().recordFiles(d, List.of(new FileEntry("x", A, -1))))
                .isInstanceOf(RuntimeException.class);
        assertThat(files().storedSizes(projectId, List.of(A))).isEmpty();
    }

    /** The batch is one statement: a path listed twice leaves none of it recorded. */
    @Test
    void a_path_listed_twice_is_refused_and_records_nothing() {
        String d = newDeploymentOf(projectId);
        assertThatThrownBy(() -> files().recordFiles(d, List.of(new FileEntry("index.html", A, 1),
                new FileEntry("index.html", B, 2)))).isInstanceOf(RuntimeException.class);
        assertThat(files().files(d)).isEmpty();
    }
}
