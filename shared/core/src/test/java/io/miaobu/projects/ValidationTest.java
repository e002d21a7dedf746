package io.miaobu.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.miaobu.errors.ApiError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {
    @TempDir Path tmp;

    private static ApiError refused(Runnable call) {
        ApiError e = catchThrowableOfType(ApiError.class, call::run);
        assertThat(e).as("expected the value to be refused").isNotNull();
        assertThat(e.status()).isEqualTo(400);
        return e;
    }

    // --- git URLs

    @ParameterizedTest
    @ValueSource(strings = {
            "https://github.com/owner/repo.git", "https://github.com/owner/repo", "http://git.example.com/x/y",
            "ssh://git@github.com/owner/repo.git", "git@github.com:owner/repo.git", "git@gitlab.example.com:group/sub/repo"})
    void remote_git_urls_are_accepted_everywhere(String url) {
        assertThat(Validation.gitUrl(url, false)).isEqualTo(url);
        assertThat(Validation.gitUrl(url, true)).isEqualTo(url);
    }

    @Test
    void surrounding_whitespace_is_trimmed_from_a_git_url() {
        assertThat(Validation.gitUrl("  https://github.com/o/r.git\n", false)).isEqualTo("https://github.com/o/r.git");
    }

    @Test
    void file_urls_are_accepted_only_when_local_repositories_are_allowed() throws Exception {
        String url = repository("site").toUri().toString();
        assertThat(Validation.gitUrl(url, true)).isEqualTo(url);
        ApiError e = refused(() -> Validation.gitUrl(url, false));
        assertThat(e.code()).isEqualTo("invalid_git_url");
        assertThat(e.getMessage()).contains("local mode");
    }

    @Test
    void absolute_paths_are_accepted_and_normalized_only_when_local_repositories_are_allowed() throws Exception {
        Path site = repository("site");
        assertThat(Validation.gitUrl(site + "/../site", true)).isEqualTo(site.toString());
        ApiError e = refused(() -> Validation.gitUrl(site.toString(), false));
        assertThat(e.code()).isEqualTo("invalid_git_url");
        assertThat(e.getMessage()).contains("https://");
    }

    @Test
    void a_local_path_with_no_repository_is_refused_saying_what_is_there() throws Exception {
        assertThat(refused(() -> Validation.existingLocalRepository(tmp.resolve("nowhere").toString())).getMessage())
                .contains("Nothing exists at " + tmp.resolve("nowhere"));
        Path folder = Files.createDirectories(tmp.resolve("folder"));
        assertThat(refused(() -> Validation.existingLocalRepository(folder.toUri().toString())).getMessage()).contains("not a Git repository");
        assertThat(Validation.existingLocalRepository(repository("site").toString())).isEqualTo(repository("site").toString());
        assertThat(Validation.existingLocalRepository("https://github.com/octo/site.git")).isEqualTo("https://github.com/octo/site.git");
    }

    /** A folder holding a Git work tree, as `git init` leaves it. */
    private Path repository(String name) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve(".git"));
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url", "ftp://example.com/repo.git", "github.com/owner/repo", "relative/path",
            "javascript:alert(1)", "https://github.com", "https://", "C:\\repos\\site"})
    void garbage_git_urls_are_refused_with_a_message_showing_a_valid_example(String url) {
        ApiError e = refused(() -> Validation.gitUrl(url, true));
        assertThat(e.code()).isEqualTo("invalid_git_url");
        assertThat(e.getMessage()).contains("https://");
    }

    @Test
    void a_missing_git_url_is_refused_as_required() {
        assertThat(refused(() -> Validation.gitUrl(null, true)).getMessage()).contains("gitUrl is required");
        assertThat(refused(() -> Validation.gitUrl("   ", true)).code()).isEqualTo("invalid_git_url");
    }

    // --- directories

    @Test
    void a_relative_directory_is_cleaned() {
        assertThat(Validation.relativeDirectory("outputDirectory", "dist")).isEqualTo("dist");
        assertThat(Validation.relativeDirectory("outputDirectory", "./dist/")).isEqualTo("dist");
        assertThat(Validation.relativeDirectory("rootDirectory", "apps\\web")).isEqualTo("apps/web");
        assertThat(Validation.relativeDirectory("rootDirectory", "")).isEqualTo(".");
        assertThat(Validation.relativeDirectory("rootDirectory", "./")).isEqualTo(".");
        assertThat(Validation.relativeDirectory("rootDirectory", null)).isNull();
    }

    @Test
    void a_name_that_merely_starts_with_dots_is_a_valid_directory() {
        assertThat(Validation.relativeDirectory("outputDirectory", "..dist")).isEqualTo("..dist");
        assertThat(Validation.relativeDirectory("outputDirectory", "a/...b")).isEqualTo("a/...b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../secrets", "apps/../../etc", "dist/..", "..\\up"})
    void a_directory_that_climbs_out_with_dot_dot_is_refused(String dir) {
        ApiError e = refused(() -> Validation.relativeDirectory("outputDirectory", dir));
        assertThat(e.code()).isEqualTo("invalid_output_directory");
        assertThat(e.getMessage()).contains("outputDirectory").contains(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc", "/srv/www/", "//srv/www", "\\windows", "/"})
    void an_absolute_directory_is_refused(String dir) {
        ApiError e = refused(() -> Validation.relativeDirectory("rootDirectory", dir));
        assertThat(e.code()).isEqualTo("invalid_root_directory");
        assertThat(e.getMessage()).contains("inside the repository");
    }

    // --- branches and commits

    @ParameterizedTest
    @ValueSource(strings = {"main", "feature/login-form", "release-1.2", "v2.0.1", "user_name/fix"})
    void ordinary_branch_names_are_accepted(String branch) {
        assertThat(Validation.branch("branch", branch)).isEqualTo(branch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a..b", "/leading", "trailing/", "-dash", "topic.lock", "semi;colon",
            "tilde~1", "caret^", "colon:x", "star*", ".hidden", "a/.b", "a//b", "ends."})
    void invalid_branch_names_are_refused_naming_the_field(String branch) {
        ApiError e = refused(() -> Validation.branch("productionBranch", branch));
        assertThat(e.code()).isEqualTo("invalid_branch");
        assertThat(e.getMessage()).startsWith("productionBranch");
    }

    @Test
    void a_null_branch_is_refused() {
        assertThat(refused(() -> Validation.branch("branch", null)).code()).isEqualTo("invalid_branch");
    }

    @Test
    void a_branch_longer_than_200_characters_is_refused() {
        assertThat(Validation.branch("branch", "b".repeat(200))).hasSize(200);
        refused(() -> Validation.branch("branch", "b".repeat(201)));
    }

    @Test
    void commits_are_hex_of_7_to_40_characters_and_lowercased() {
        assertThat(Validation.commit("ABCDEF1")).isEqualTo("abcdef1");
        assertThat(Validation.commit("0123456789abcdef0123456789abcdef01234567")).hasSize(40);
        assertThat(Validation.commit(null)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc123", "0123456789abcdef0123456789abcdef012345678", "xyz1234", "HEAD", "main", "", "abc 1234"})
    void anything_else_is_not_a_commit(String commit) {
        ApiError e = refused(() -> Validation.commit(commit));
        assertThat(e.code()).isEqualTo("invalid_commit");
        assertThat(e.getMessage()).contains("7 to 40");
    }

    // --- names and commands

    @Test
    void a_project_name_is_required_trimmed_and_at_most_100_characters() {
        assertThat(Validation.name("  Blog  ")).isEqualTo("Blog");
        assertThat(refused(() -> Validation.name(" ")).code()).isEqualTo("invalid_name");
        assertThat(refused(() -> Validation.name("n".repeat(101))).getMessage()).contains("100");
    }

    @Test
    void a_blank_command_means_not_set_and_a_long_one_is_refused() {
        assertThat(Validation.command("buildCommand", "  ")).isNull();
        assertThat(Validation.command("buildCommand", " npm run build ")).isEqualTo("npm run build");
        ApiError e = refused(() -> Validation.command("buildCommand", "x".repeat(1001)));
        assertThat(e.code()).isEqualTo("invalid_build_command");
    }
}
