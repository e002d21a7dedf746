package io.miaobu.github;

import java.time.Instant;

/**
 * A Miaobu user's linked GitHub account. {@code encryptedToken} is the OAuth token sealed by the
 * Secrets port (context {@link #tokenContext}); the plain token exists only in memory, for a call.
 */
public record GitHubAccount(String userId, long githubId, String login, String encryptedToken, String scopes,
                            Instant createdAt, Instant updatedAt) {

    public static String tokenContext(String userId) {
        return "github-token:" + userId;
    }

    @Override
    public String toString() {
        return "GitHubAccount[userId=" + userId + ", githubId=" + githubId + ", login=" + login + "]";
    }
}
