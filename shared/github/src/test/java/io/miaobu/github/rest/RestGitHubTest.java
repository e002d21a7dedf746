package io.miaobu.github.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.github.GitHub;
import io.miaobu.github.GitHubException;
import io.miaobu.testkit.github.FakeGitHub;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST adapter against a local server speaking GitHub's OAuth and REST endpoints. */
class RestGitHubTest {
    FakeGitHub fake;
    RestGitHub github;
    String token;

    @BeforeEach
    void start() throws Exception {
        fake = FakeGitHub.start()
                .addUser(new FakeGitHub.User(9919, "mona", "Mona Lisa", null, "mona@example.com", true))
                .addUser(new FakeGitHub.User(4242, "hubot", "Hubot", null, null, false));
        fake.addRepo(new FakeGitHub.Repo(700100200, "octo-org/site", "main", true, "https://github.com/octo-org/site.git",
                Set.of(), Set.of("mona")));
        fake.addRepo(new FakeGitHub.Repo(700100201, "octo-org/docs", "trunk", false, "https://github.com/octo-org/docs.git",
                Set.of("mona"), Set.of()));
        github = new RestGitHub(MiaobuConfig.fromEnv(fake.env()).github());
        token = fake.tokenFor("mona");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void the_authorize_url_names_the_app_the_callback_the_scopes_and_the_state() {
        String url = github.authorizeUrl("https://miaobu.example.com/oauth/github/callback",
                List.of("repo", "admin:repo_hook", "read:user", "user:email"), "n0nce.abc.123.sig");

        assertThat(url).startsWith(fake.url() + "/login/oauth/authorize?");
        Map<String, String> q = query(URI.create(url).getRawQuery());
        assertThat(q).containsEntry("client_id", FakeGitHub.CLIENT_ID)
                .containsEntry("redirect_uri", "https://miaobu.example.com/oauth/github/callback")
                .containsEntry("scope", "repo admin:repo_hook read:user user:email")
                .containsEntry("state", "n0nce.abc.123.sig");
    }

    @Test
    void a_code_is_exchanged_for_a_token_with_the_app_credentials_as_a_form() throws Exception {
        fake.signInAs("mona");
        String callback = authorizeAndFollow();
        String code = query(URI.create(callback).getRawQuery()).get("code");

        GitHub.AccessToken granted = github.exchangeCode(code, "https://miaobu.example.com/oauth/github/callback");

        assertThat(granted.token()).startsWith("gho_");
        assertThat(granted.scopes()).contains("repo", "admin:repo_hook");
        assertThat(granted.toString()).doesNotContain(granted.token());
        FakeGitHub.Recorded exchange = fake.requests("POST", "/login/oauth/access_token").get(0);
        assertThat(exchange.header("accept")).isEqualTo("application/json");
        assertThat(exchange.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(query(exchange.body())).containsEntry("client_id", FakeGitHub.CLIENT_ID)
                .containsEntry("client_secret", FakeGitHub.CLIENT_SECRET)
                .containsEntry("code", code)
                .containsEntry("redirect_uri", "https://miaobu.example.com/oauth/github/callback");
        assertThat(github.user(granted.token()).login()).isEqualTo("mona");
    }

    @Test
    void a_used_or_wrong_code_fails_with_githubs_explanation() {
        assertThatThrownBy(() -> github.exchangeCode("not-a-code", "https://miaobu.example.com/cb"))
                .isInstanceOf(GitHubException.class)
                .hasMessage("The code passed is incorrect or expired.");
    }

    @Test
    void api_calls_send_the_token_as_bearer_with_githubs_media_type_api_version_and_a_user_agent() {
        GitHub.Account me = github.user(token);

        assertThat(me).isEqualTo(new GitHub.Account(9919, "mona", "Mona Lisa", null));
        FakeGitHub.Recorded call = fake.requests("GET", "/api/v3/user").get(0);
        assertThat(call.header("authorization")).isEqualTo("Bearer " + token);
        assertThat(call.header("accept")).isEqualTo("application/vnd.github+json");
        assertThat(call.header("x-github-api-version")).isEqualTo("2022-11-28");
        assertThat(call.header("user-agent")).isEqualTo("Miaobu");
    }

    @Test
    void emails_come_with_their_primary_and_verified_flags() {
        assertThat(github.emails(token)).contains(new GitHub.Email("mona@example.com", true, true),
                new GitHub.Email("9919+mona@users.noreply.github.com", false, true));
    }

    @Test
    void repositories_are_paged_through_githubs_link_header() {
        for (int i = 0; i < 230; i++) {
            fake.addRepo(new FakeGitHub.Repo(800_000_000L + i, "mona/repo-" + String.format("%03d", i), "main", i % 2 == 0,
                    "https://github.com/mona/repo-" + i + ".git", Set.of("mona"), Set.of()));
        }
        List<GitHub.Repository> all = new ArrayList<>();
        Optional<Integer> next = Optional.of(1);
        List<Integer> pages = new ArrayList<>();
        while (next.isPresent()) {
            GitHub.RepositoryPage page = github.repositories(token, next.get());
            pages.add(page.page());
            all.addAll(page.repositories());
            next = page.nextPage();
        }

        assertThat(pages).containsExactly(1, 2, 3);
        assertThat(all).hasSize(232);
        assertThat(all.stream().map(GitHub.Repository::fullName).distinct()).hasSize(232);
        GitHub.Repository site = all.stream().filter(r -> r.fullName().equals("octo-org/site")).findFirst().orElseThrow();
        assertThat(site.id()).isEqualTo(700100200);
        assertThat(site.isPrivate()).isTrue();
        assertThat(site.admin()).isTrue();
        assertThat(site.defaultBranch()).isEqualTo("main");
        assertThat(site.cloneUrl()).isEqualTo("https://github.com/octo-org/site.git");
        assertThat(all.stream().filter(r -> r.fullName().equals("octo-org/docs")).findFirst().orElseThrow().defaultBranch())
                .isEqualTo("trunk");
        FakeGitHub.Recorded first = fake.requests("GET", "/api/v3/user/repos").get(0);
        assertThat(query(first.query())).containsEntry("per_page", "100").containsEntry("page", "1")
                .containsEntry("visibility", "all").containsEntry("affiliation", "owner,collaborator,organization_member");
    }

    @Test
    void the_link_header_parser_reads_githubs_format() {
        String header = "<https://api.github.com/user/repos?per_page=100&page=2>; rel=\"next\", "
                + "<https://api.github.com/user/repos?per_page=100&page=5>; rel=\"last\"";
        assertThat(LinkHeader.page(header, "next")).contains(2);
        assertThat(LinkHeader.page(header, "last")).contains(5);
        assertThat(LinkHeader.page(header, "prev")).isEmpty();
        assertThat(LinkHeader.page(null, "next")).isEmpty();
    }

    @Test
    void a_hook_is_created_with_json_content_the_secret_and_push_and_pull_request_events() {
        GitHub.Hook hook = github.createHook(token, "octo-org/site",
                new GitHub.NewHook("https://miaobu.example.com/webhooks/github", "hook-secret-0123456789", List.of("push", "pull_request")));

        assertThat(hook.url()).isEqualTo("https://miaobu.example.com/webhooks/github");
        assertThat(hook.events()).containsExactly("push", "pull_request");
        assertThat(hook.active()).isTrue();
        JsonNode sent = fake.requests("POST", "/api/v3/repos/octo-org/site/hooks").get(0).json();
        assertThat(sent.path("name").asText()).isEqualTo("web");
        assertThat(sent.path("active").asBoolean()).isTrue();
        assertThat(sent.path("config").path("url").asText()).isEqualTo("https://miaobu.example.com/webhooks/github");
        assertThat(sent.path("config").path("content_type").asText()).isEqualTo("json");
        assertThat(sent.path("config").path("secret").asText()).isEqualTo("hook-secret-0123456789");
        assertThat(sent.path("config").path("insecure_ssl").asText()).isEqualTo("0");

        assertThat(github.hooks(token, "octo-org/site")).extracting(GitHub.Hook::id).containsExactly(hook.id());
        github.deleteHook(token, "octo-org/site", hook.id());
        assertThat(github.hooks(token, "octo-org/site")).isEmpty();
        github.deleteHook(token, "octo-org/site", hook.id()); // already gone: not an error
    }

    @Test
    void a_duplicate_hook_fails_with_githubs_validation_message() {
        GitHub.NewHook hook = new GitHub.NewHook("https://miaobu.example.com/webhooks/github", "s3cret-s3cret-s3cret", List.of("push"));
        github.createHook(token, "octo-org/site", hook);

        assertThatThrownBy(() -> github.createHook(token, "octo-org/site", hook))
                .isInstanceOf(GitHubException.class)
                .hasMessage("Validation Failed (Hook already exists on this repository)")
                .satisfies(e -> assertThat(((GitHubException) e).status()).isEqualTo(422));
    }

    @Test
    void a_commit_status_carries_state_target_url_description_and_context() {
        String sha = "5f1c7a0e9d3b2a4c6e8f0a1b3c5d7e9f0a2b4c6d";
        github.createStatus(token, "octo-org/site", sha, new GitHub.CommitStatus("success",
                "https://d1--site.miaobu.app", "Preview ready", "miaobu/site"));

        JsonNode sent = fake.requests("POST", "/api/v3/repos/octo-org/site/statuses/" + sha).get(0).json();
        assertThat(sent.path("state").asText()).isEqualTo("success");
        assertThat(sent.path("target_url").asText()).isEqualTo("https://d1--site.miaobu.app");
        assertThat(sent.path("description").asText()).isEqualTo("Preview ready");
        assertThat(sent.path("context").asText()).isEqualTo("miaobu/site");
        assertThat(fake.statuses("octo-org/site", sha)).hasSize(1);
    }

    @Test
    void a_long_status_description_is_cut_to_githubs_limit() {
        GitHub.CommitStatus status = new GitHub.CommitStatus("failure", null, "x".repeat(500), "miaobu/site");
        assertThat(status.description()).hasSize(140);
    }

    @Test
    void github_errors_carry_the_status_and_message_and_never_the_token() {
        assertThatThrownBy(() -> github.repository(token, "octo-org/secret"))
                .isInstanceOf(GitHubException.class)
                .hasMessage("Not Found")
                .satisfies(e -> assertThat(((GitHubException) e).status()).isEqualTo(404));
        assertThatThrownBy(() -> github.hooks(token, "octo-org/docs")) // readable, but mona is no admin there
                .isInstanceOf(GitHubException.class)
                .satisfies(e -> assertThat(((GitHubException) e).status()).isEqualTo(404));
        fake.revokeAll();
        assertThatThrownBy(() -> github.user(token))
                .isInstanceOf(GitHubException.class)
                .hasMessage("Bad credentials")
                .satisfies(e -> assertThat(((GitHubException) e).tokenRejected()).isTrue())
                .satisfies(e -> assertThat(e.toString()).doesNotContain(token));
    }

    @Test
    void an_unreachable_github_is_status_zero() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RestGitHub nowhere = new RestGitHub(MiaobuConfig.fromEnv(Map.of(
                "MIAOBU_GITHUB_API_URL", "http://127.0.0.1:" + port + "/api/v3")).github());
        assertThatThrownBy(() -> nowhere.user(token))
                .isInstanceOf(GitHubException.class)
                .hasMessageStartingWith("could not reach 127.0.0.1")
                .satisfies(e -> assertThat(((GitHubException) e).status()).isZero());
    }

    private String authorizeAndFollow() throws Exception {
        String url = github.authorizeUrl("https://miaobu.example.com/oauth/github/callback", List.of("repo"), "st4te");
        var response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(url)).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(302);
        return response.headers().firstValue("location").orElseThrow();
    }

    private static Map<String, String> query(String raw) {
        return Arrays.stream(raw.split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : ""));
    }
}
