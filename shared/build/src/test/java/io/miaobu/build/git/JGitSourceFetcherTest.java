package io.miaobu.build.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.SourceFetcher;
import io.miaobu.build.SourceFetcher.FetchedSource;
import io.miaobu.testkit.GitHttpServer;
import io.miaobu.testkit.GitRepos;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JGitSourceFetcherTest {
    @TempDir Path tmp;

    private final JGitSourceFetcher fetcher = new JGitSourceFetcher();
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final BuildOutput output = (stream, text) -> lines.add(stream + ": " + text);
    private GitRepos repo;
    private String first;
    private String second;

    @BeforeEach
    void createRepository() {
        repo = GitRepos.create(tmp.resolve("origin"));
        first = repo.write("index.html", "<h1>v1</h1>").commit("First version\n\nWith a body.");
        second = repo.write("index.html", "<h1>v2</h1>").commit("Second version");
    }

    @Test
    void clones_the_head_of_the_requested_branch_from_a_local_path() throws Exception {
        Path into = tmp.resolve("checkout");

        FetchedSource source = fetcher.fetch(repo.path().toString(), "main", null, into, output);

        assertThat(source.commitSha()).isEqualTo(second);
        assertThat(source.commitMessage()).isEqualTo("Second version");
        assertThat(source.author()).isEqualTo(GitRepos.AUTHOR_NAME);
        assertThat(into.resolve("index.html")).hasContent("<h1>v2</h1>");
        assertThat(lines).contains(
                "system: Cloning " + repo.path() + " (branch main)",
                "system: Checked out " + second.substring(0, 7) + " \"Second version\"");
    }

    @Test
    void clones_the_head_of_the_requested_branch_from_a_file_url() throws Exception {
        repo.branch("dev").write("index.html", "<h1>dev</h1>").commit("On dev");
        repo.checkout("main");
        Path into = tmp.resolve("checkout");

        FetchedSource source = fetcher.fetch(repo.fileUrl(), "dev", null, into, output);

        assertThat(source.commitMessage()).isEqualTo("On dev");
        assertThat(into.resolve("index.html")).hasContent("<h1>dev</h1>");
    }

    @Test
    void clones_the_default_branch_when_no_branch_is_given() throws Exception {
        repo.branch("aaa-feature").write("index.html", "feature").commit("Feature");
        repo.checkout("main");

        FetchedSource source = fetcher.fetch(repo.fileUrl(), null, null, tmp.resolve("checkout"), output);

        assertThat(source.commitSha()).isEqualTo(second);
    }

    @Test
    void checks_out_exactly_the_given_older_commit_detached() throws Exception {
        Path into = tmp.resolve("checkout");

        FetchedSource source = fetcher.fetch(repo.fileUrl(), "main", first, into, output);

        assertThat(source.commitSha()).isEqualTo(first);
        assertThat(source.commitMessage()).isEqualTo("First version");
        assertThat(into.resolve("index.html")).hasContent("<h1>v1</h1>");
        try (Git git = Git.open(into.toFile())) {
            assertThat(git.getRepository().getFullBranch()).isEqualTo(first); // detached HEAD
            assertThat(git.status().call().isClean()).isTrue();
        }
        assertThat(lines).contains("system: Checked out " + first.substring(0, 7) + " \"First version\"");
    }

    @Test
    void checks_out_a_commit_given_with_the_branch_head_sha_or_an_abbreviation() throws Exception {
        FetchedSource head = fetcher.fetch(repo.fileUrl(), "main", second, tmp.resolve("a"), output);
        FetchedSource abbreviated = fetcher.fetch(repo.fileUrl(), "main", first.substring(0, 10), tmp.resolve("b"), output);

        assertThat(head.commitSha()).isEqualTo(second);
        assertThat(abbreviated.commitSha()).isEqualTo(first);
    }

    @Test
    void finds_a_commit_that_is_only_on_another_branch() throws Exception {
        String onDev = repo.branch("dev").write("index.html", "dev").commit("On dev");
        repo.checkout("main");

        FetchedSource source = fetcher.fetch(repo.fileUrl(), "main", onDev, tmp.resolve("checkout"), output);

        assertThat(source.commitSha()).isEqualTo(onDev);
        assertThat(tmp.resolve("checkout/index.html")).hasContent("dev");
    }

    @Test
    void fails_naming_the_branch_and_the_available_branches_when_the_branch_is_missing() {
        repo.branch("dev").checkout("main");

        assertThatThrownBy(() -> fetcher.fetch(repo.fileUrl(), "foo", null, tmp.resolve("checkout"), output))
                .isInstanceOf(BuildFailure.class)
                .hasMessage("Branch `foo` does not exist in " + repo.fileUrl()
                        + ". Set the production branch to one of: main, dev");
    }

    @Test
    void fails_naming_the_commit_when_it_does_not_exist() {
        String missing = "0123456789abcdef0123456789abcdef01234567";

        assertThatThrownBy(() -> fetcher.fetch(repo.fileUrl(), "main", missing, tmp.resolve("checkout"), output))
                .isInstanceOf(BuildFailure.class)
                .hasMessageStartingWith("Commit `" + missing + "` does not exist in " + repo.fileUrl());
    }

    @Test
    void refuses_a_commit_that_is_not_a_sha() {
        assertThatThrownBy(() -> fetcher.fetch(repo.fileUrl(), "main", "HEAD~1", tmp.resolve("checkout"), output))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("`HEAD~1` is not a valid commit SHA");
    }

    @Test
    void fails_with_a_clear_message_when_the_path_does_not_exist() {
        String path = tmp.resolve("nowhere").toString();

        assertThatThrownBy(() -> fetcher.fetch(path, "main", null, tmp.resolve("checkout"), output))
                .isInstanceOf(BuildFailure.class)
                .hasMessage("Could not clone " + path + ": repository not found or not accessible. "
                        + "Check the Git URL and that the repository is public (or connect GitHub).");
    }

    @Test
    void fails_with_a_clear_message_when_the_url_does_not_exist() throws Exception {
        String url = tmp.resolve("nowhere").toUri().toString();
        try (GitHttpServer server = GitHttpServer.serve(repo.path())) {
            String missingOverHttp = server.url().replace("/repo.git", "/other.git");

            assertThatThrownBy(() -> fetcher.fetch(url, "main", null, tmp.resolve("a"), output))
                    .isInstanceOf(BuildFailure.class)
                    .hasMessageStartingWith("Could not clone " + url + ": repository not found or not accessible.");
            assertThatThrownBy(() -> fetcher.fetch(missingOverHttp, "main", null, tmp.resolve("b"), output))
                    .isInstanceOf(BuildFailure.class)
                    .hasMessageStartingWith("Could not clone " + missingOverHttp + ": repository not found or not accessible.");
        }
    }

    @Test
    void fails_when_the_repository_is_empty() {
        GitRepos empty = GitRepos.create(tmp.resolve("empty"));

        assertThatThrownBy(() -> fetcher.fetch(empty.fileUrl(), "main", null, tmp.resolve("checkout"), output))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void refuses_ssh_urls_with_advice() {
        assertThatThrownBy(() -> fetcher.fetch("git@github.com:acme/site.git", "main", null, tmp.resolve("checkout"), output))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("SSH Git URLs are not supported");
    }

    @Test
    void clones_over_http_with_depth_one() throws Exception {
        try (GitHttpServer server = GitHttpServer.serve(repo.path())) {
            Path into = tmp.resolve("checkout");

            FetchedSource source = fetcher.fetch(server.url(), "main", null, into, output);

            assertThat(source.commitSha()).isEqualTo(second);
            assertThat(into.resolve(".git/shallow")).exists();
            try (Git git = Git.open(into.toFile())) {
                assertThat(git.log().call()).hasSize(1);
            }
        }
    }

    @Test
    void falls_back_to_a_full_clone_when_the_server_cannot_serve_a_shallow_one() throws Exception {
        try (GitHttpServer server = GitHttpServer.serve(repo.path())) {
            server.rejectShallow = true;
            Path into = tmp.resolve("checkout");

            FetchedSource source = fetcher.fetch(server.url(), "main", null, into, output);

            assertThat(source.commitSha()).isEqualTo(second);
            assertThat(into.resolve(".git/shallow")).doesNotExist();
            assertThat(into.resolve("index.html")).hasContent("<h1>v2</h1>");
            assertThat(lines).anyMatch(l -> l.contains("full clone"));
        }
    }

    @Test
    void checks_out_an_older_commit_over_http() throws Exception {
        try (GitHttpServer server = GitHttpServer.serve(repo.path())) {
            FetchedSource source = fetcher.fetch(server.url(), "main", first, tmp.resolve("checkout"), output);

            assertThat(source.commitSha()).isEqualTo(first);
            assertThat(tmp.resolve("checkout/index.html")).hasContent("<h1>v1</h1>");
        }
    }

    @Test
    void uses_credentials_from_the_url_but_never_shows_or_stores_them() throws Exception {
        try (GitHttpServer server = GitHttpServer.serveWithBasicAuth(repo.path(), "x-access-token", "s3cr3t-t0ken")) {
            Path into = tmp.resolve("checkout");

            FetchedSource source = fetcher.fetch(server.url("x-access-token:s3cr3t-t0ken"), "main", null, into, output);

            assertThat(source.commitSha()).isEqualTo(second);
            assertThat(server.authorizations).contains("Basic " + Base64.getEncoder()
                    .encodeToString("x-access-token:s3cr3t-t0ken".getBytes(StandardCharsets.UTF_8)));
            assertThat(String.join("\n", lines))
                    .doesNotContain("s3cr3t-t0ken")
                    .contains("Cloning http://***@127.0.0.1:");
            try (Git git = Git.open(into.toFile())) {
                assertThat(git.getRepository().getConfig().getString("remote", "origin", "url")).isEqualTo(server.url());
            }
            assertThat(filesContaining(into.resolve(".git"), "s3cr3t-t0ken")).isEmpty();
            assertThat(filesContaining(into.resolve(".git"), "x-access-token")).isEmpty();
        }
    }

    @Test
    void clones_a_private_repository_with_given_credentials_that_never_reach_the_checkout_or_the_output() throws Exception {
        String token = "gho_PrivateRepoToken0123456789abcdefABCD";
        try (GitHttpServer server = GitHttpServer.serveWithBasicAuth(repo.path(), "x-access-token", token)) {
            Path into = tmp.resolve("checkout");

            FetchedSource source = fetcher.fetch(server.url(), new SourceFetcher.Credentials("x-access-token", token),
                    "main", null, into, output);

            assertThat(source.commitSha()).isEqualTo(second);
            assertThat(String.join("\n", lines)).doesNotContain(token).contains("Cloning " + server.url());
            try (Git git = Git.open(into.toFile())) {
                assertThat(git.getRepository().getConfig().getString("remote", "origin", "url")).isEqualTo(server.url());
            }
            assertThat(filesContaining(into.resolve(".git"), token)).isEmpty();
        }
        try (GitHttpServer server = GitHttpServer.serveWithBasicAuth(repo.path(), "x-access-token", "the-right-token")) {
            assertThatThrownBy(() -> fetcher.fetch(server.url(), new SourceFetcher.Credentials("x-access-token", token),
                    "main", null, tmp.resolve("refused"), output))
                    .isInstanceOf(BuildFailure.class)
                    .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain(token));
            assertThat(String.join("\n", lines)).doesNotContain(token);
        }
    }

    @Test
    void masks_credentials_when_they_are_rejected() throws Exception {
        try (GitHttpServer server = GitHttpServer.serveWithBasicAuth(repo.path(), "me", "right-password")) {
            assertThatThrownBy(() -> fetcher.fetch(server.url("me:wrong-password"), "main", null, tmp.resolve("checkout"), output))
                    .isInstanceOf(BuildFailure.class)
                    .hasMessageStartingWith("Could not clone http://***@127.0.0.1:")
                    .hasMessageContaining("repository not found or not accessible")
                    .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain("wrong-password"));
            assertThat(String.join("\n", lines)).doesNotContain("wrong-password");
        }
    }

    @Test
    void masks_credentials_when_the_host_cannot_be_reached() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "https://deploy:hunter2-secret@127.0.0.1:" + closedPort + "/acme/site.git";

        assertThatThrownBy(() -> fetcher.fetch(url, "main", null, tmp.resolve("checkout"), output))
                .isInstanceOf(BuildFailure.class)
                .hasMessageStartingWith("Could not clone https://***@127.0.0.1:" + closedPort + "/acme/site.git")
                .satisfies(e -> assertThat(stackTraceOf(e)).doesNotContain("hunter2-secret"));
        assertThat(String.join("\n", lines)).doesNotContain("hunter2-secret").contains("https://***@127.0.0.1");
    }

    @Test
    void an_interrupted_thread_cancels_the_fetch() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> fetcher.fetch(repo.fileUrl(), "main", null, tmp.resolve("checkout"), output))
                    .isInstanceOf(BuildCanceled.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void refuses_a_checkout_directory_that_is_not_empty() throws IOException {
        Path into = Files.createDirectories(tmp.resolve("checkout"));
        Files.writeString(into.resolve("leftover"), "x");

        assertThatThrownBy(() -> fetcher.fetch(repo.fileUrl(), "main", null, into, output))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Path> filesContaining(Path dir, String needle) throws IOException {
        byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                            .contains(new String(bytes, StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).toList();
        }
    }

    private static String stackTraceOf(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
