package io.miaobu.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.miaobu.build.OutputFiles.OutputFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
    private static final int MANY = 10_000;
    private static final long LARGE = 1L << 30;

    @TempDir
    Path tmp;

    private Path repo() throws IOException {
        return Files.createDirectories(tmp.resolve("repo"));
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static List<String> paths(List<OutputFile> files) {
        return files.stream().map(OutputFile::path).toList();
    }

    @Test
    void every_file_under_the_output_directory_is_published_with_its_relative_path_and_size() throws Exception {
        Path repo = repo();
        write(repo.resolve("dist/index.html"), "<h1>hi</h1>");
        write(repo.resolve("dist/assets/app.js"), "console.log(1)");
        write(repo.resolve("src/main.js"), "not published");

        List<OutputFile> files = OutputFiles.collect(repo, "dist", MANY, LARGE);

        assertThat(paths(files)).containsExactly("assets/app.js", "index.html");
        assertThat(files.get(1).size()).isEqualTo(11);
    }

    @Test
    void a_missing_output_directory_is_named_and_outputDirectory_is_suggested() throws Exception {
        Path repo = repo();
        write(repo.resolve("build/index.html"), "x");

        BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> OutputFiles.collect(repo, "dist", MANY, LARGE));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("`dist`").contains("not found").contains("outputDirectory");
    }

    @Test
    void an_empty_output_directory_fails_the_build() throws Exception {
        Path repo = repo();
        Files.createDirectories(repo.resolve("dist"));
        BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> OutputFiles.collect(repo, "dist", MANY, LARGE));
        assertThat(e.getMessage()).contains("empty");
    }

    @Test
    void an_output_directory_outside_the_repository_is_refused() throws Exception {
        Path repo = repo();
        write(tmp.resolve("elsewhere/secret.txt"), "secret");
        BuildFailure e = catchThrowableOfType(BuildFailure.class,
                () -> OutputFiles.collect(repo, "../elsewhere", MANY, LARGE));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("outside the repository");
    }

    @Test
    void an_output_directory_that_is_a_link_to_outside_the_repository_is_refused() throws Exception {
        Path repo = repo();
        write(tmp.resolve("elsewhere/secret.txt"), "secret");
        Files.createSymbolicLink(repo.resolve("dist"), tmp.resolve("elsewhere"));
        BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> OutputFiles.collect(repo, "dist", MANY, LARGE));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("outside the repository");
    }

    @Test
    void a_symbolic_link_to_a_file_outside_the_output_directory_fails_the_build() throws Exception {
        Path repo = repo();
        write(repo.resolve("dist/index.html"), "x");
        write(tmp.resolve("home/.ssh/id_rsa"), "PRIVATE KEY");
        Files.createSymbolicLink(repo.resolve("dist/key.txt"), tmp.resolve("home/.ssh/id_rsa"));

        BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> OutputFiles.collect(repo, "dist", MANY, LARGE));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("`key.txt`").contains("outside the output directory");
    }

    @Test
    void a_symbolic_link_to_a_repository_file_outside_the_output_directory_also_fails() throws Exception {
        Path repo = repo();
        write(repo.resolve("dist/index.html"), "x");
        write(repo.resolve(".env"), "TOKEN=secret");
        Files.createSymbolicLink(repo.resolve("dist/env.txt"), repo.resolve(".env"));
        assertThat(catchThrowableOfType(BuildFailure.class, () -> OutputFiles.collect(repo, "dist", MANY, LARGE)))
                .isNotNull();
    }

    @Test
    void a_broken_symbolic_link_fails_the_build_naming_it() throws Exception {
        Path repo = repo();
        write(repo.resolve("dist/index.html"), "x");
        Files.createSymbolicLink(repo.resolve("dist/gone.txt"), repo.resolve("dist/nowhere.txt"));
        BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> OutputFiles.collect(repo, "dist", MANY, LARGE));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("`gone.txt`").contains("broken");
    }

    @Test
    void a_symbolic_link_inside_the_output_directory_publishes_the_target_file() throws Exception {
        Path repo = repo();
        write(repo.resolve("dist/index.html"), "<html>home</html>");
        Files.createSymbolicLink(repo.resolve("dist/home.html"), Path.of("index.html")); // relative link

        List<OutputFile> files = OutputFiles.collect(repo, "dist", MANY, LARGE);

        assertThat(paths(files)).containsExactly("home.html", "index.html");
        OutputFile link = files.get(0);
        assertThat(link.size()).isEqualTo(17);
        assertThat(Files.readString(link.source())).isEqualTo("<html>home</html>");
        assertThat(Files.isSymbolicLink(link.source())).isFalse();
    }

    @Test
    void git_and_node_modules_are_skipped_when_the_repository_root_is_published() throws Exception {
        Path repo = repo();
        write(repo.resolve("index.html"), "x");
        write(repo.resolve(".git/config"), "[core]");
        write(repo.resolve("node_modules/lib/index.js"), "module.exports = 1");
        write(repo.resolve("docs/node_modules/readme.txt"), "nested, kept");

        List<OutputFile> files = OutputFiles.collect(repo, ".", MANY, LARGE);

        assertThat(paths(files)).containsExactly("docs/node_modules/readme.txt", "index.html");
    }

    @Test
    void git_and_node_modules_inside_a_build_output_directory_are_published() throws Exception {
        Path repo = repo();
        write(repo.resolve("dist/index.html"), "x");
        write(repo.resolve("dist/node_modules/vendored.js"), "1");
        write(repo.resolve("dist/.git/HEAD"), "ref");

        List<OutputFile> files = OutputFiles.collect(repo, "dist", MANY, LARGE);

        assertThat(paths(files)).containsExactly(".git/HEAD", "index.html", "node_modules/vendored.js");
    }

    @Test
    void more_files_than_the_limit_fail_the_build_naming_the_limit() throws Exception {
        Path repo = repo();
        for (int i = 0; i < 4; i++) {
            write(repo.resolve("dist/f" + i + ".txt"), "x");
        }
        assertThat(OutputFiles.collect(repo, "dist", 4, LARGE)).hasSize(4);

        BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> OutputFiles.collect(repo, "dist", 3, LARGE));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("more than 3 files");
    }

    @Test
    void more_bytes_than_the_limit_fail_the_build() throws Exception {
        Path repo = repo();
        Files.createDirectories(repo.resolve("dist"));
        Files.write(repo.resolve("dist/big.bin"), new byte[2 * 1024 * 1024 + 1]);
        BuildFailure e = catchThrowableOfType(BuildFailure.class,
                () -> OutputFiles.collect(repo, "dist", MANY, 2L * 1024 * 1024));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("larger than 2 MiB");
    }

    @Test
    void the_build_cache_folders_are_never_published_even_when_the_output_is_the_repository() throws Exception {
        Path repo = repo();
        write(repo.resolve("index.html"), "<h1>hi</h1>");
        write(repo.resolve(".cache/webpack/big.pack"), "cache");
        write(repo.resolve("site/.astro/data.json"), "{}");

        List<OutputFile> files = OutputFiles.collect(repo, ".", MANY, LARGE,
                java.util.Set.of(repo.resolve(".cache"), repo.resolve("site/.astro"), repo.resolve("missing")));

        assertThat(paths(files)).containsExactly("index.html");
    }

    @Test
    void a_web_app_publishes_its_static_folders_under_their_url_prefixes_and_nothing_of_its_source() throws Exception {
        Path repo = repo();
        write(repo.resolve("app.py"), "SECRET_KEY = 'x'");
        write(repo.resolve("static/css/site.css"), "body{}");
        write(repo.resolve("staticfiles/admin/base.css"), "a{}");

        List<OutputFile> files = OutputFiles.collectStaticDirs(repo, repo, List.of(
                new io.miaobu.build.detect.PythonApps.StaticDir("static/", "static"),
                new io.miaobu.build.detect.PythonApps.StaticDir("assets/", "staticfiles"),
                new io.miaobu.build.detect.PythonApps.StaticDir("media/", "not-built")), MANY, LARGE);

        assertThat(paths(files)).containsExactly("assets/admin/base.css", "static/css/site.css");
    }

    @Test
    void a_web_app_without_static_files_publishes_none_rather_than_failing() throws Exception {
        Path repo = repo();
        write(repo.resolve("main.py"), "app = None");

        assertThat(OutputFiles.collectStaticDirs(repo, repo, List.of(), MANY, LARGE)).isEmpty();
    }

    @Test
    void a_static_folder_linking_outside_the_repository_fails_the_build() throws Exception {
        Path repo = repo();
        Files.createSymbolicLink(repo.resolve("static"), tmp);

        BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> OutputFiles.collectStaticDirs(repo, repo,
                List.of(new io.miaobu.build.detect.PythonApps.StaticDir("static/", "static")), MANY, LARGE));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("outside the repository");
    }
}
