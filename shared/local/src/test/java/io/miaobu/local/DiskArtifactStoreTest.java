package io.miaobu.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiskArtifactStoreTest {
    @TempDir
    Path tmp;

    Path root;
    DiskArtifactStore store;

    @BeforeEach
    void open() throws IOException {
        root = tmp.resolve("artifacts");
        store = new DiskArtifactStore(root);
    }

    private Path source(String name, String content) throws IOException {
        Path file = tmp.resolve("src").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private String read(String key) throws IOException {
        Optional<InputStream> in = store.open(key);
        assertThat(in).as("object " + key).isPresent();
        try (InputStream s = in.get()) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<Path> allFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void a_put_object_can_be_opened_and_exists() throws IOException {
        store.put("sites/p1/d1/index.html", source("index.html", "<h1>hello</h1>"), "text/html");

        assertThat(read("sites/p1/d1/index.html")).isEqualTo("<h1>hello</h1>");
        assertThat(store.exists("sites/p1/d1/index.html")).isTrue();
        assertThat(root.resolve("sites/p1/d1/index.html")).hasContent("<h1>hello</h1>");
    }

    @Test
    void a_missing_object_is_absent_not_an_error() throws IOException {
        assertThat(store.open("sites/p1/d1/nope.html")).isEmpty();
        assertThat(store.exists("sites/p1/d1/nope.html")).isFalse();
    }

    @Test
    void a_folder_is_not_an_object() throws IOException {
        store.put("sites/p1/d1/docs/index.html", source("a", "x"), "text/html");
        assertThat(store.exists("sites/p1/d1/docs")).isFalse();
    }

    @Test
    void putting_the_same_key_again_replaces_the_object() throws IOException {
        store.put("sites/p1/d1/a.txt", source("v1", "first"), "text/plain");
        store.put("sites/p1/d1/a.txt", source("v2", "second"), "text/plain");
        assertThat(read("sites/p1/d1/a.txt")).isEqualTo("second");
    }

    @Test
    void put_leaves_no_temporary_files_behind() throws IOException {
        store.put("sites/p1/d1/a.txt", source("a", "a"), "text/plain");
        store.put("sites/p1/d1/a.txt", source("b", "b"), "text/plain");
        store.put("sites/p1/d1/deep/b.txt", source("c", "c"), "text/plain");

        assertThat(allFiles()).extracting(p -> root.relativize(p).toString().replace('\\', '/'))
                .containsExactlyInAnyOrder("sites/p1/d1/a.txt", "sites/p1/d1/deep/b.txt");
    }

    @Test
    void a_failed_put_leaves_neither_the_object_nor_a_temporary_file() throws IOException {
        assertThatThrownBy(() -> store.put("sites/p1/d1/a.txt", tmp.resolve("does-not-exist"), "text/plain"))
                .isInstanceOf(IOException.class);
        assertThat(store.exists("sites/p1/d1/a.txt")).isFalse();
        assertThat(allFiles()).isEmpty();
    }

    @Test
    void list_returns_every_key_under_a_prefix_and_nothing_else() throws IOException {
        store.put("sites/p1/d1/index.html", source("1", "1"), "text/html");
        store.put("sites/p1/d1/assets/app.js", source("2", "2"), "text/javascript");
        store.put("sites/p1/d2/index.html", source("3", "3"), "text/html");
        store.put("sites/p10/d9/index.html", source("4", "4"), "text/html");

        assertThat(store.list("sites/p1/d1/")).containsExactlyInAnyOrder("sites/p1/d1/index.html", "sites/p1/d1/assets/app.js");
        assertThat(store.list("sites/p1/")).hasSize(3).doesNotContain("sites/p10/d9/index.html");
        assertThat(store.list("sites/nobody/")).isEmpty();
    }

    @Test
    void delete_prefix_removes_only_that_folder_and_counts_the_objects() throws IOException {
        store.put("sites/p1/d1/index.html", source("1", "1"), "text/html");
        store.put("sites/p1/d2/assets/app.js", source("2", "2"), "text/javascript");
        store.put("sites/p10/d9/index.html", source("3", "3"), "text/html");

        assertThat(store.deletePrefix("sites/p1/")).isEqualTo(2);

        assertThat(store.list("sites/p1/")).isEmpty();
        assertThat(store.exists("sites/p1/d1/index.html")).isFalse();
        assertThat(root.resolve("sites/p1")).doesNotExist();
        assertThat(store.exists("sites/p10/d9/index.html")).isTrue();
        assertThat(store.deletePrefix("sites/p1/")).isZero();
    }

    @Test
    void a_prefix_must_be_a_folder_ending_in_a_slash() {
        assertThatThrownBy(() -> store.deletePrefix("sites/p1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.deletePrefix("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list("sites")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.txt", "sites/../../outside.txt", "sites/p1/../p2/index.html", "..", "/etc/passwd",
            "sites/p1/d1/.."})
    void a_key_that_is_absolute_or_has_a_dot_dot_segment_is_refused(String key) throws IOException {
        Path src = source("evil", "evil");
        assertThatThrownBy(() -> store.put(key, src, "text/plain")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(IllegalArgumentException.class);
        assertThat(allFiles()).isEmpty();
        assertThat(tmp.resolve("outside.txt")).doesNotExist();
    }

    @Test
    void deleting_a_prefix_with_dot_dot_is_refused_and_deletes_nothing() throws IOException {
        store.put("sites/p2/d1/index.html", source("1", "1"), "text/html");
        assertThatThrownBy(() -> store.deletePrefix("sites/p1/../p2/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.deletePrefix("../")).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.exists("sites/p2/d1/index.html")).isTrue();
    }

    @Test
    void names_that_merely_contain_dots_are_fine() throws IOException {
        store.put("sites/p1/d1/..hidden/a..b.txt", source("x", "x"), "text/plain");
        assertThat(read("sites/p1/d1/..hidden/a..b.txt")).isEqualTo("x");
    }

    @Test
    void a_copy_shares_the_stored_content_without_a_second_copy_on_disk() throws IOException {
        store.put("sites/p1/_blobs/abc", source("blob", "same bytes"), "application/octet-stream");
        store.copy("sites/p1/_blobs/abc", "sites/p1/d1/a.txt", "text/plain");
        store.copy("sites/p1/_blobs/abc", "sites/p1/d2/b/c.txt", "text/plain");

        assertThat(read("sites/p1/d1/a.txt")).isEqualTo("same bytes");
        assertThat(read("sites/p1/d2/b/c.txt")).isEqualTo("same bytes");
        assertThat(Files.isSameFile(root.resolve("sites/p1/d1/a.txt"), root.resolve("sites/p1/_blobs/abc"))).isTrue();
    }

    @Test
    void copying_a_missing_object_or_outside_the_store_is_refused() {
        assertThatThrownBy(() -> store.copy("sites/p1/_blobs/missing", "sites/p1/d1/a.txt", "text/plain"))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThatThrownBy(() -> store.copy("../outside", "sites/p1/d1/a.txt", "text/plain"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.exists("sites/p1/d1/a.txt")).isFalse();
    }
}
