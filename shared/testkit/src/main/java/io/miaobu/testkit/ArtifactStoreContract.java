package io.miaobu.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every ArtifactStore does (DESIGN §4: one contract per port, every adapter passes it): the
 * disk store of local mode and the OSS store against a server speaking OSS's protocol.
 * Each test works under its own project prefix, so a store may be shared between tests.
 */
public abstract class ArtifactStoreContract {
    @TempDir
    protected Path files;

    /** The store under test. */
    protected abstract ArtifactStore store() throws IOException;

    protected final String project = "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    protected Path file(String name, String content) throws IOException {
        return Files.writeString(files.resolve(name + "-" + UUID.randomUUID()), content);
    }

    protected String read(String key) throws IOException {
        Optional<InputStream> in = store().open(key);
        assertThat(in).as("object %s", key).isPresent();
        try (InputStream stream = in.get()) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    protected String site(String deployment, String path) {
        return "sites/" + project + "/" + deployment + "/" + path;
    }

    @Test
    void a_file_put_under_a_key_is_read_back_byte_for_byte() throws IOException {
        store().put(site("d1", "index.html"), file("index", "<h1>hello</h1>\n"), "text/html; charset=utf-8");
        store().put(site("d1", "assets/app.js"), file("app", "console.log(1)"), "text/javascript; charset=utf-8");

        assertThat(read(site("d1", "index.html"))).isEqualTo("<h1>hello</h1>\n");
        assertThat(read(site("d1", "assets/app.js"))).isEqualTo("console.log(1)");
        assertThat(store().exists(site("d1", "index.html"))).isTrue();
    }

    @Test
    void a_key_that_was_never_written_is_absent() throws IOException {
        assertThat(store().open(site("d1", "missing.html"))).isEmpty();
        assertThat(store().exists(site("d1", "missing.html"))).isFalse();
    }

    @Test
    void keys_with_spaces_plus_signs_and_non_ascii_characters_round_trip() throws IOException {
        String key = site("d1", "files/a b+c ü 猫.txt");
        store().put(key, file("odd", "odd name"), "text/plain; charset=utf-8");
        assertThat(read(key)).isEqualTo("odd name");
        assertThat(store().list("sites/" + project + "/d1/")).containsExactly(key);
    }

    @Test
    void writing_a_key_again_replaces_its_content() throws IOException {
        store().put(site("d1", "a.txt"), file("a", "first"), "text/plain");
        store().put(site("d1", "a.txt"), file("a", "second"), "text/plain");
        assertThat(read(site("d1", "a.txt"))).isEqualTo("second");
    }

    @Test
    void a_copy_has_the_sources_bytes_under_the_new_key() throws IOException {
        String blob = "sites/" + project + "/_blobs/" + "ab".repeat(32);
        store().put(blob, file("blob", "shared content"), "application/octet-stream");

        store().copy(blob, site("d1", "style.css"), "text/css; charset=utf-8");
        store().copy(blob, site("d2", "style.css"), "text/css; charset=utf-8");

        assertThat(read(site("d1", "style.css"))).isEqualTo("shared content");
        assertThat(read(site("d2", "style.css"))).isEqualTo("shared content");
        assertThat(read(blob)).isEqualTo("shared content");
    }

    @Test
    void copying_a_missing_object_fails_with_no_such_file() throws IOException {
        assertThatThrownBy(() -> store().copy("sites/" + project + "/_blobs/" + "cd".repeat(32), site("d1", "x.css"), "text/css"))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(store().exists(site("d1", "x.css"))).isFalse();
    }

    @Test
    void listing_a_prefix_returns_every_key_under_it_and_nothing_else() throws IOException {
        for (int i = 0; i < 7; i++) {
            store().put(site("d1", "page" + i + ".html"), file("p", "page " + i), "text/html");
        }
        store().put(site("d1", "deep/er/file.txt"), file("deep", "deep"), "text/plain");
        store().put(site("d10", "index.html"), file("other", "other deployment"), "text/html");

        assertThat(store().list("sites/" + project + "/d1/")).hasSize(8).contains(site("d1", "deep/er/file.txt"))
                .doesNotContain(site("d10", "index.html"));
        assertThat(store().list("sites/" + project + "/nothing/")).isEmpty();
    }

    @Test
    void deleting_a_prefix_removes_that_folder_only_and_counts_what_it_removed() throws IOException {
        for (int i = 0; i < 5; i++) {
            store().put(site("d1", "f" + i + ".txt"), file("f", "x" + i), "text/plain");
        }
        store().put(site("d2", "keep.txt"), file("keep", "keep"), "text/plain");

        assertThat(store().deletePrefix("sites/" + project + "/d1/")).isEqualTo(5);

        assertThat(store().list("sites/" + project + "/d1/")).isEmpty();
        assertThat(store().open(site("d1", "f0.txt"))).isEmpty();
        assertThat(read(site("d2", "keep.txt"))).isEqualTo("keep");
        assertThat(store().deletePrefix("sites/" + project + "/d1/")).isZero();
    }

    @Test
    void a_prefix_must_name_a_folder_inside_the_store() {
        assertThatThrownBy(() -> store().deletePrefix("sites/" + project)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().deletePrefix("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().list("sites/" + project + "/../other/")).isInstanceOf(IllegalArgumentException.class);
    }
}
