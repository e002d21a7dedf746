package io.miaobu.github;

import io.miaobu.Ids;
import io.miaobu.api.GitHubLinkView;
import io.miaobu.auth.AuthService;
import io.miaobu.auth.User;
import io.miaobu.auth.UserStore;
import io.miaobu.errors.ApiError;
import io.miaobu.http.Request;
import io.miaobu.http.Response;
import io.miaobu.store.DuplicateKeyException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Sign in with GitHub" (OAuth web flow): start sends the browser to GitHub with a signed
 * {@code state} bound to a cookie; the callback checks both, exchanges the code, creates the user
 * or finds the linked one (or links GitHub to a signed-in user who asked to), and hands the
 * dashboard a session token in the URL fragment, which browsers never send to a server.
 */
public final class GitHubSignIn {
    private static final Logger LOG = LoggerFactory.getLogger(GitHubSignIn.class);
    /** Private repositories' code and statuses ({@code repo}), their webhooks, and who the user is. */
    static final List<String> SCOPES = List.of("repo", "admin:repo_hook", "read:user", "user:email");
    static final String COOKIE = "miaobu_github_oauth";
    static final String START_PATH = "/oauth/github/start";
    static final String CALLBACK_PATH = "/oauth/github/callback";

    private final boolean enabled;
    private final String publicUrl;
    private final GitHub github;
    private final GitHubAccounts accounts;
    private final GitHubStore store;
    private final UserStore users;
    private final AuthService auth;
    private final OAuthState states;
    private final Clock clock;

    GitHubSignIn(boolean enabled, String publicUrl, GitHub github, GitHubAccounts accounts, GitHubStore store,
                 UserStore users, AuthService auth, OAuthState states, Clock clock) {
        this.enabled = enabled;
        this.publicUrl = publicUrl;
        this.github = github;
        this.accounts = accounts;
        this.store = store;
        this.users = users;
        this.auth = auth;
        this.states = states;
        this.clock = clock;
    }

    boolean enabled() {
        return enabled;
    }

    /** Sends the browser to GitHub to sign in (or sign up) with a fresh state and its cookie. */
    Response start() {
        requireEnabled();
        return toGitHub(Optional.empty(), url -> Response.redirect(url));
    }

    /**
     * For a signed-in user: the GitHub URL that links a GitHub account to theirs. The nonce cookie
     * is set on this (same-origin) response, so the URL is useless in any other browser.
     */
    Response linkStart(User user) {
        requireEnabled();
        return toGitHub(Optional.of(user.id()), url -> Response.ok(new GitHubLinkView(url)));
    }

    private Response toGitHub(Optional<String> linkUserId, Function<String, Response> answer) {
        String nonce = OAuthState.newNonce();
        String url = github.authorizeUrl(publicUrl + CALLBACK_PATH, SCOPES, states.issue(nonce, linkUserId));
        return answer.apply(url).header("set-cookie", cookie(nonce, OAuthState.LIFETIME.toSeconds()))
                .header("cache-control", "no-store");
    }

    Response callback(Request request) {
        requireEnabled();
        OAuthState.State state = states.verify(request.queryParam("state").orElse(null), cookieNonce(request))
                .orElseThrow(() -> ApiError.badRequest("invalid_oauth_state",
                        "This sign-in did not start in this browser or took longer than 10 minutes; "
                                + "start again with \"Sign in with GitHub\"."));
        Optional<String> denied = request.queryParam("error");
        if (denied.isPresent()) {
            return toDashboard("error=github_" + denied.get().replaceAll("[^a-z_]", "")
                    + "&message=" + encode("GitHub sign-in was canceled."));
        }
        String code = request.queryParam("code").orElseThrow(() ->
                ApiError.badRequest("missing_code", "GitHub sent no code; start again with \"Sign in with GitHub\"."));
        try {
            GitHub.AccessToken token = github.exchangeCode(code, publicUrl + CALLBACK_PATH);
            GitHub.Account account = github.user(token.token());
            User user = state.linkUserId().isPresent()
                    ? link(state.linkUserId().get(), account, token)
                    : signIn(account, token);
            return toDashboard("token=" + auth.sessionFor(user).token());
        } catch (ApiError e) {
            return toDashboard("error=" + e.code() + "&message=" + encode(e.getMessage()));
        } catch (GitHubException e) {
            LOG.warn("GitHub sign-in failed: GitHub answered {}: {}", e.status(), e.getMessage());
            return toDashboard("error=github_error&message=" + encode("GitHub sign-in failed: " + e.getMessage()));
        }
    }

    private User link(String userId, GitHub.Account account, GitHub.AccessToken token) {
        User user = users.findById(userId).orElseThrow(() ->
                ApiError.unauthorized("The account to link no longer exists; sign in again."));
        Optional<GitHubAccount> owner = store.accountByGitHubId(account.id());
        if (owner.isPresent() && !owner.get().userId().equals(userId)) {
            throw ApiError.conflict("github_account_in_use", "GitHub account " + account.login()
                    + " is already linked to another Miaobu account; sign in with GitHub to use that one.");
        }
        accounts.save(userId, account, token);
        return user;
    }

    private User signIn(GitHub.Account account, GitHub.AccessToken token) {
        Optional<GitHubAccount> linked = store.accountByGitHubId(account.id());
        if (linked.isPresent()) {
            User user = users.findById(linked.get().userId()).orElseThrow();
            accounts.save(user.id(), account, token);
            return user;
        }
        // Never link by email: Miaobu does not verify the emails people register with, so an address
        // match is no proof that the GitHub user owns that Miaobu account.
        String email = emailOf(account, token);
        if (users.findByEmail(email).isPresent()) {
            throw ApiError.conflict("email_taken", "An account with " + email + " already exists: sign in with "
                    + "your password, then connect GitHub from your settings.");
        }
        User user = new User(Ids.user(), email, null, clock.instant());
        try {
            users.insert(user);
            accounts.save(user.id(), account, token);
        } catch (DuplicateKeyException e) {
            throw ApiError.conflict("email_taken", "An account with " + email + " already exists; sign in instead.");
        }
        return user;
    }

    /** The primary verified email, else the public one, else GitHub's no-reply address for the account. */
    private String emailOf(GitHub.Account account, GitHub.AccessToken token) {
        try {
            for (GitHub.Email e : github.emails(token.token())) {
                if (e.primary() && e.verified()) {
                    return e.email().toLowerCase(Locale.ROOT);
                }
            }
        } catch (GitHubException e) {
            LOG.info("could not read the email addresses of GitHub user {} ({}); using another address", account.login(), e.status());
        }
        if (account.email() != null && !account.email().isBlank()) {
            return account.email().toLowerCase(Locale.ROOT);
        }
        return (account.id() + "+" + account.login() + "@users.noreply.github.com").toLowerCase(Locale.ROOT);
    }

    private Response toDashboard(String fragment) {
        return Response.redirect(publicUrl + "/#" + fragment)
                .header("set-cookie", cookie("", 0))
                .header("cache-control", "no-store")
                .header("referrer-policy", "no-referrer");
    }

    /** Lax, not Strict: the callback is a top-level navigation coming from github.com. */
    private String cookie(String value, long maxAge) {
        return COOKIE + "=" + value + "; Path=/oauth/github; Max-Age=" + maxAge + "; HttpOnly; SameSite=Lax"
                + (publicUrl.startsWith("https://") ? "; Secure" : "");
    }

    private static String cookieNonce(Request request) {
        String header = request.header("cookie").orElse("");
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(COOKIE)) {
                String value = pair.substring(eq + 1).trim();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new ApiError(404, "github_not_configured", "GitHub sign-in is not set up on this Miaobu "
                    + "(the operator sets MIAOBU_GITHUB_CLIENT_ID and MIAOBU_GITHUB_CLIENT_SECRET).");
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
