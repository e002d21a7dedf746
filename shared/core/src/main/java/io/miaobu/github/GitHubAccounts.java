package io.miaobu.github;

import io.miaobu.auth.User;
import io.miaobu.deploy.Initiator;
import io.miaobu.secrets.Secrets;
import io.miaobu.errors.ApiError;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Users' GitHub tokens: sealed with the Secrets port on the way into the store, opened only for the
 * call that needs them, and never part of a response or a log line.
 */
public final class GitHubAccounts {
    /** GitHub serves every account's avatar at its numeric id, so a renamed login keeps its picture. */
    private static final String AVATARS = "https://avatars.githubusercontent.com/u/";

    private final GitHubStore store;
    private final Secrets secrets;
    private final Clock clock;

    public GitHubAccounts(GitHubStore store, Secrets secrets, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Links (or re-links with a fresh token) the GitHub account to the user. */
    public void save(String userId, GitHub.Account account, GitHub.AccessToken token) {
        Instant now = clock.instant();
        Instant created = store.accountOfUser(userId).map(GitHubAccount::createdAt).orElse(now);
        store.saveAccount(new GitHubAccount(userId, account.id(), account.login(),
                secrets.encrypt(token.token(), GitHubAccount.tokenContext(userId)),
                String.join(",", token.scopes()), created, now));
    }

    public Optional<String> login(String userId) {
        return store.accountOfUser(userId).map(GitHubAccount::login);
    }

    /**
     * How the deployments a user starts name them: their GitHub login and avatar when linked, else
     * the part of their email before the @ (never the whole address: a deployment is shown to
     * whoever can read the project).
     */
    public Initiator initiator(User user) {
        return store.accountOfUser(user.id())
                .map(a -> Initiator.user(user.id(), a.login(), AVATARS + a.githubId() + "?v=4"))
                .orElseGet(() -> Initiator.user(user.id(), localPart(user.email()), null));
    }

    private static String localPart(String email) {
        int at = email.lastIndexOf('@');
        return at > 0 ? email.substring(0, at) : email;
    }

    /** The user's token, when their GitHub account is linked. */
    public Optional<String> tokenOf(String userId) {
        return store.accountOfUser(userId).map(a -> secrets.decrypt(a.encryptedToken(), GitHubAccount.tokenContext(userId)));
    }

    /** The user's token, or a 409 that says to connect GitHub first. */
    public String requireToken(User user) {
        return tokenOf(user.id()).orElseThrow(() -> ApiError.conflict("github_not_connected",
                "Connect your GitHub account first: sign in with GitHub (or link it from your settings)."));
    }
}
