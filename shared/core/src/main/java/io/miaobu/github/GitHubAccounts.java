package io.miaobu.github;

import io.miaobu.auth.User;
import io.miaobu.secrets.Secrets;
import io.miaobu.http.HttpError;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Users' GitHub tokens: sealed with the Secrets port on the way into the store, opened only for the
 * call that needs them, and never part of a response or a log line.
 */
public final class GitHubAccounts {
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

    /** The user's token, when their GitHub account is linked. */
    public Optional<String> tokenOf(String userId) {
        return store.accountOfUser(userId).map(a -> secrets.decrypt(a.encryptedToken(), GitHubAccount.tokenContext(userId)));
    }

    /** The user's token, or a 409 that says to connect GitHub first. */
    public String requireToken(User user) {
        return tokenOf(user.id()).orElseThrow(() -> HttpError.conflict("github_not_connected",
                "Connect your GitHub account first: sign in with GitHub (or link it from your settings)."));
    }
}
