package io.miaobu.functions.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.TestPostgres;
import io.miaobu.testkit.github.FakeGitHub;
import io.miaobu.testkit.github.GitHubSignInFlow;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Sign in with GitHub" through the oauth function's router (wired by FunctionRuntime, as in FC),
 * real PostgreSQL, and a local server speaking GitHub's OAuth and REST endpoints.
 */
class GitHubSignInTest {
    static final String PUBLIC_URL = "https://miaobu.example.com";

    @TempDir
    Path tmp;

    FakeGitHub github;
    String databaseUrl;
    FunctionRuntime runtime;
    RouterClient client;

    @BeforeEach
    void start() throws Exception {
        github = FakeGitHub.start()
                .addUser(new FakeGitHub.User(9919, "mona", "Mona Lisa", null, "mona@example.com", true))
                .addUser(new FakeGitHub.User(4242, "hubot", "Hubot", null, null, false));
        databaseUrl = TestPostgres.migratedDatabase();
        runtime = runtime(github.env());
        client = RouterClient.checked(runtime.platform().router());
    }

    @AfterEach
    void stop() {
        runtime.close();
        github.close();
    }

    private FunctionRuntime runtime(Map<String, String> githubEnv) throws Exception {
        Map<String, String> env = new HashMap<>(githubEnv);
        env.put("MIAOBU_DATABASE_URL", databaseUrl);
        env.put("MIAOBU_SECRET_KEY", FunctionProcess.randomSecretKey());
        env.put("MIAOBU_DATA_DIR", tmp.toString());
        env.put("MIAOBU_PUBLIC_URL", PUBLIC_URL);
        return FunctionRuntime.fromEnvironment(env, OAuthFunction.ADAPTERS);
    }

    @Test
    void the_dashboard_learns_that_github_sign_in_is_available() {
        JsonNode providers = client.ok("GET", "/api/v1/auth/providers", null);
        assertThat(providers.path("github").path("enabled").asBoolean()).isTrue();
        assertThat(providers.path("github").path("signInUrl").asText()).isEqualTo("/oauth/github/start");
    }

    @Test
    void start_sends_the_browser_to_github_with_the_scopes_a_state_and_a_cookie_bound_to_it() {
        RouterClient.Reply start = client.call("GET", "/oauth/github/start", null);

        assertThat(start.status()).isEqualTo(302);
        URI authorize = URI.create(start.header("location"));
        assertThat(authorize.toString()).startsWith(github.url() + "/login/oauth/authorize?");
        Map<String, String> q = query(authorize.getRawQuery());
        assertThat(q.get("client_id")).isEqualTo(FakeGitHub.CLIENT_ID);
        assertThat(q.get("redirect_uri")).isEqualTo(PUBLIC_URL + "/oauth/github/callback");
        assertThat(q.get("scope").split(" ")).contains("repo", "admin:repo_hook", "user:email");
        String cookie = start.header("set-cookie");
        assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Secure", "Path=/oauth/github", "Max-Age=600");
        String nonce = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        assertThat(q.get("state")).startsWith(nonce + ".");
    }

    @Test
    void signing_in_with_github_creates_the_account_and_hands_the_dashboard_a_session_in_the_fragment() {
        GitHubSignInFlow.Landing landing = GitHubSignInFlow.signIn(client, github, "mona");

        assertThat(landing.location()).startsWith(PUBLIC_URL + "/#token=");
        JsonNode me = client.as(landing.token()).ok("GET", "/api/v1/me", null);
        assertThat(me.path("email").asText()).isEqualTo("mona@example.com");
        assertThat(me.path("githubLogin").asText()).isEqualTo("mona");

        // Signing in again is the same account, not a new one.
        String again = GitHubSignInFlow.signIn(client, github, "mona").token();
        assertThat(client.as(again).ok("GET", "/api/v1/me", null).path("id").asText()).isEqualTo(me.path("id").asText());
    }

    @Test
    void a_github_account_without_a_verified_email_gets_githubs_no_reply_address() {
        String token = GitHubSignInFlow.signIn(client, github, "hubot").token();
        assertThat(client.as(token).ok("GET", "/api/v1/me", null).path("email").asText())
                .isEqualTo("4242+hubot@users.noreply.github.com");
    }

    @Test
    void the_callback_refuses_a_state_that_did_not_start_in_this_browser() {
        RouterClient.Reply mine = client.call("GET", "/oauth/github/start", null);
        RouterClient.Reply theirs = client.call("GET", "/oauth/github/start", null);
        String callback = GitHubSignInFlow.approveAtGitHub(github, "mona", mine.header("location"));

        for (String cookie : new String[] {null, GitHubSignInFlow.cookieOf(theirs), "miaobu_github_oauth=forged"}) {
            RouterClient.Reply refused = client.call("GET", path(callback),
                    cookie == null ? Map.of() : Map.of("Cookie", List.of(cookie)), new byte[0]);
            assertThat(refused.status()).as("cookie %s", cookie).isEqualTo(400);
            assertThat(refused.errorCode()).isEqualTo("invalid_oauth_state");
        }
        String tampered = path(callback).replaceFirst("state=([^.&]+)", "state=$1x");
        assertThat(client.call("GET", tampered, Map.of("Cookie", List.of(GitHubSignInFlow.cookieOf(mine))), new byte[0]).status())
                .isEqualTo(400);
        // Nothing was exchanged or created for the refused callbacks; the real one still works once.
        assertThat(github.requests("POST", "/login/oauth/access_token")).isEmpty();
        GitHubSignInFlow.Landing ok = GitHubSignInFlow.callback(client, callback, GitHubSignInFlow.cookieOf(mine));
        assertThat(ok.fragment()).containsKey("token");
    }

    @Test
    void the_github_token_is_stored_encrypted_and_never_returned() throws Exception {
        String session = GitHubSignInFlow.signIn(client, github, "mona").token();
        String githubToken = github.requests("GET", "/api/v3/user").get(0).header("authorization").substring("Bearer ".length());
        assertThat(githubToken).startsWith("gho_");

        try (PostgresDatabase raw = PostgresDatabase.connect(databaseUrl)) {
            String row = raw.jdbi().withHandle(h -> h.createQuery("SELECT row_to_json(a)::text FROM github_accounts a")
                    .mapTo(String.class).one());
            assertThat(row).contains("\"login\":\"mona\"").contains("\"token_encrypted\":\"v1:").doesNotContain(githubToken);
            String everything = raw.jdbi().withHandle(h -> h.createQuery(
                    "SELECT string_agg(t::text, '|') FROM (SELECT row_to_json(u)::text AS t FROM users u"
                            + " UNION ALL SELECT row_to_json(g)::text FROM github_accounts g) x").mapTo(String.class).one());
            assertThat(everything).doesNotContain(githubToken);
        }
        assertThat(new String(client.as(session).call("GET", "/api/v1/me", null).body(), StandardCharsets.UTF_8))
                .doesNotContain(githubToken);
    }

    @Test
    void an_email_account_links_github_and_can_then_sign_in_with_it() {
        String session = client.ok("POST", "/api/v1/auth/register",
                "{\"email\":\"ada@example.com\",\"password\":\"correct horse battery\"}").path("token").asText();
        RouterClient ada = client.as(session);
        assertThat(ada.ok("GET", "/api/v1/me", null).path("githubLogin").isNull()).isTrue();

        GitHubSignInFlow.Landing linked = GitHubSignInFlow.link(ada, github, "mona");

        assertThat(linked.fragment()).containsKey("token");
        JsonNode me = ada.ok("GET", "/api/v1/me", null);
        assertThat(me.path("githubLogin").asText()).isEqualTo("mona");
        String viaGitHub = GitHubSignInFlow.signIn(client, github, "mona").token();
        assertThat(client.as(viaGitHub).ok("GET", "/api/v1/me", null).path("email").asText()).isEqualTo("ada@example.com");
    }

    @Test
    void the_link_url_is_useless_in_another_browser() {
        String session = client.ok("POST", "/api/v1/auth/register",
                "{\"email\":\"ada@example.com\",\"password\":\"correct horse battery\"}").path("token").asText();
        RouterClient.Reply link = client.as(session).call("POST", "/api/v1/github/link", null);
        // An attacker who got hold of the URL approves it with their own GitHub account, without Ada's cookie.
        String callback = GitHubSignInFlow.approveAtGitHub(github, "hubot", link.json().path("url").asText());
        RouterClient.Reply theirs = client.call("GET", "/oauth/github/start", null);

        assertThat(client.call("GET", path(callback), Map.of("Cookie", List.of(GitHubSignInFlow.cookieOf(theirs))), new byte[0])
                .status()).isEqualTo(400);
        assertThat(client.as(session).ok("GET", "/api/v1/me", null).path("githubLogin").isNull()).isTrue();
    }

    @Test
    void github_sign_in_never_takes_over_an_email_account_with_the_same_address() {
        client.ok("POST", "/api/v1/auth/register", "{\"email\":\"mona@example.com\",\"password\":\"someone else's\"}");

        GitHubSignInFlow.Landing landing = GitHubSignInFlow.signIn(client, github, "mona");

        assertThat(landing.fragment()).doesNotContainKey("token").containsEntry("error", "email_taken");
        assertThat(landing.fragment().get("message")).contains("mona@example.com", "sign in with your password");
    }

    @Test
    void a_github_account_already_linked_to_someone_cannot_be_linked_to_another_account() {
        GitHubSignInFlow.signIn(client, github, "mona");
        String other = client.ok("POST", "/api/v1/auth/register",
                "{\"email\":\"eve@example.com\",\"password\":\"correct horse battery\"}").path("token").asText();

        GitHubSignInFlow.Landing landing = GitHubSignInFlow.link(client.as(other), github, "mona");

        assertThat(landing.fragment()).containsEntry("error", "github_account_in_use");
        assertThat(client.as(other).ok("GET", "/api/v1/me", null).path("githubLogin").isNull()).isTrue();
    }

    @Test
    void a_user_who_declines_at_github_comes_back_with_an_error_not_a_session() {
        RouterClient.Reply start = client.call("GET", "/oauth/github/start", null);
        String state = query(URI.create(start.header("location")).getRawQuery()).get("state");

        GitHubSignInFlow.Landing landing = GitHubSignInFlow.callback(client, PUBLIC_URL + "/oauth/github/callback?error=access_denied"
                + "&error_description=The+user+has+denied+your+application+access.&state=" + state, GitHubSignInFlow.cookieOf(start));

        assertThat(landing.fragment()).containsEntry("error", "github_access_denied").doesNotContainKey("token");
    }

    @Test
    void an_account_made_by_github_has_no_password_to_sign_in_with() {
        GitHubSignInFlow.signIn(client, github, "mona");
        RouterClient.Reply login = client.call("POST", "/api/v1/auth/login", "{\"email\":\"mona@example.com\",\"password\":\"anything at all\"}");
        assertThat(login.status()).isEqualTo(401);
        assertThat(login.json().path("error").path("message").asText()).contains("GitHub");
    }

    @Test
    void without_an_oauth_app_github_sign_in_is_hidden_not_broken() throws Exception {
        runtime.close();
        runtime = runtime(Map.of());
        RouterClient plain = RouterClient.checked(runtime.platform().router());

        JsonNode providers = plain.ok("GET", "/api/v1/auth/providers", null);
        assertThat(providers.path("github").path("enabled").asBoolean()).isFalse();
        assertThat(providers.path("github").path("signInUrl").isNull()).isTrue();
        RouterClient.Reply start = plain.call("GET", "/oauth/github/start", null);
        assertThat(start.status()).isEqualTo(404);
        assertThat(start.errorCode()).isEqualTo("github_not_configured");
        assertThat(plain.call("POST", "/api/v1/auth/register", "{\"email\":\"a@example.com\",\"password\":\"correct horse\"}").status())
                .isEqualTo(201);
    }

    private static String path(String url) {
        URI uri = URI.create(url);
        return uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }
}
