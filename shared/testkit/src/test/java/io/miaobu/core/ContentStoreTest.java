package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.miaobu.Sha256;
import io.miaobu.deploy.ContentStore;
import io.miaobu.deploy.ContentStore.LocalFile;
import io.miaobu.deploy.ContentStore.Mismatch;
import io.miaobu.deploy.ContentStore.Stored;
import io.miaobu.deploy.DeploymentFileStore.FileEntry;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.testkit.StoreFixtures;
import io.miaobu.testkit.memory.InMemoryCore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ContentStore on in-memory adapters: each content stored once per project by its SHA-256, uploads
 * checked against what was declared, and a redeploy storing only what changed.
 */
class ContentStoreTest {
    final InMemoryCore core = new InMemoryCore();
    final String projectId = StoreFixtures.id("prj");

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A build's output of {@code count} files, file i holding "page i" (and {@code changed} a different text). */
    private List<LocalFile> output(int count, int changed) throws IOException {
        List<LocalFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path source = dir.resolve("build-" + System.nanoTime() + "-" + i + ".html");
            Files.write(source, bytes(i == changed ? "page " + i + ", edited" : "page " + i));
            files.add(new LocalFile("pages/" + i + ".html", source, Files.size(source)));
        }
        return files;
    }

    @Test
    void a_redeploy_with_one_changed_file_stores_only_that_files_bytes() throws IOException {
        Stored first = core.content.storeFiles(projectId, output(1000, -1));
        assertThat(first.newContents()).isEqualTo(1000);
        assertThat(first.reusedFiles()).isZero();

        List<LocalFile> again = output(1000, 500);
        Stored second = core.content.storeFiles(projectId, again);

        long changedSize = again.get(500).size();
        assertThat(second.newContents()).isOne();
        assertThat(second.newBytes()).isEqualTo(changedSize);
        assertThat(second.reusedFiles()).isEqualTo(999);
        assertThat(second.stats()).isEqualTo(new DeploymentStats(1000,
                again.stream().mapToLong(LocalFile::size).sum(), 1, changedSize));
        assertThat(core.artifacts.list("sites/" + projectId + "/_blobs/")).hasSize(1001);
    }

    @Test
    void files_with_the_same_content_store_it_once() throws IOException {
        Path a = Files.write(dir.resolve("a.css"), bytes("body{}"));
        Path b = Files.write(dir.resolve("b.css"), bytes("body{}"));

        Stored stored = core.content.storeFiles(projectId, List.of(new LocalFile("a.css", a, 6), new LocalFile("copy/b.css", b, 6)));

        String digest = Sha256.hex(bytes("body{}"));
        assertThat(stored.files()).containsExactly(new FileEntry("a.css", digest, 6), new FileEntry("copy/b.css", digest, 6));
        assertThat(stored.newContents()).isOne();
        assertThat(core.files.storedSizes(projectId, List.of(digest))).containsExactly(Map.entry(digest, 6L));
    }

    @Test
    void another_projects_content_is_never_reused_or_revealed() throws IOException {
        core.content.storeFiles(projectId, output(3, -1));
        String other = StoreFixtures.id("prj");

        Stored stored = core.content.storeFiles(other, output(3, -1));

        assertThat(stored.newContents()).isEqualTo(3);
        String digest = stored.files().get(0).sha256();
        assertThat(core.content.missing(other, Map.of(digest, stored.files().get(0).size()))).isEmpty();
        assertThat(core.content.missing(StoreFixtures.id("prj"), Map.of(digest, stored.files().get(0).size())))
                .containsExactly(digest);
    }

    @Test
    void an_upload_is_stored_once_and_read_back() throws IOException {
        byte[] content = bytes("<h1>hello</h1>");
        String digest = Sha256.hex(content);
        assertThat(core.content.missing(projectId, Map.of(digest, (long) content.length))).containsExactly(digest);

        core.content.storeUpload(projectId, digest, content.length, content);
        core.content.storeUpload(projectId, digest, content.length, content); // a retry

        assertThat(core.content.missing(projectId, Map.of(digest, (long) content.length))).isEmpty();
        assertThat(core.content.read(projectId, digest, 1024)).isEqualTo(content);
        assertThat(core.content.read(projectId, digest, 4)).isEqualTo(bytes("<h1>"));
    }

    @Test
    void an_upload_whose_length_or_digest_is_not_what_was_declared_is_refused_and_stores_nothing() {
        byte[] content = bytes("<h1>hello</h1>");
        String digest = Sha256.hex(content);

        Mismatch longer = catchThrowableOfType(Mismatch.class,
                () -> core.content.storeUpload(projectId, digest, 1, content));
        assertThat(longer.code()).isEqualTo("size_mismatch");
        assertThat(longer.getMessage()).contains("14 bytes").contains("1 bytes");

        String other = Sha256.hex(bytes("something else"));
        Mismatch forged = catchThrowableOfType(Mismatch.class,
                () -> core.content.storeUpload(projectId, other, content.length, content));
        assertThat(forged.code()).isEqualTo("digest_mismatch");
        assertThat(forged.getMessage()).contains(digest);

        assertThat(core.artifacts.list("sites/" + projectId + "/")).isEmpty();
        assertThat(core.content.missing(projectId, Map.of(digest, (long) content.length, other, 14L))).hasSize(2);
    }

    @Test
    void declaring_stored_content_with_another_length_is_refused() throws IOException {
        byte[] content = bytes("<h1>hello</h1>");
        String digest = Sha256.hex(content);
        core.content.storeUpload(projectId, digest, content.length, content);

        Mismatch lie = catchThrowableOfType(Mismatch.class, () -> core.content.missing(projectId, Map.of(digest, 1L)));

        assertThat(lie.code()).isEqualTo("size_mismatch");
        assertThat(lie.getMessage()).contains("14 bytes long, not 1");
    }

    @Test
    void files_are_copied_into_a_deployments_prefix_and_content_removed_by_hand_is_stored_again() throws IOException {
        List<LocalFile> build = output(2, -1);
        Stored stored = core.content.storeFiles(projectId, build);
        String prefix = "sites/" + projectId + "/dpl_1/";
        core.artifacts.deletePrefix("sites/" + projectId + "/_blobs/");

        core.content.copyInto(projectId, prefix, stored.files(), stored.sources());

        assertThat(core.artifacts.list(prefix)).containsExactly(prefix + "pages/0.html", prefix + "pages/1.html");
        assertThat(core.artifacts.open(prefix + "pages/1.html").orElseThrow().readAllBytes()).isEqualTo(bytes("page 1"));
        assertThat(core.artifacts.exists(ContentStore.key(projectId, stored.files().get(0).sha256()))).isTrue();
    }

    @Test
    void copying_content_that_is_neither_stored_nor_on_this_machine_fails_naming_it() throws IOException {
        Stored stored = core.content.storeFiles(projectId, output(1, -1));
        core.artifacts.deletePrefix("sites/" + projectId + "/_blobs/");

        NoSuchFileException missing = catchThrowableOfType(NoSuchFileException.class,
                () -> core.content.copyInto(projectId, "sites/" + projectId + "/dpl_2/", stored.files(), Map.of()));

        assertThat(missing.getMessage()).contains(stored.files().get(0).sha256());
    }
}
