package io.miaobu.github;

import io.miaobu.errors.ApiError;

/** Turns a failed GitHub call into an API error that says what the user can do about it. */
final class GitHubErrors {
    private GitHubErrors() {}

    static ApiError toHttp(GitHubException e, String doing) {
        if (e.tokenRejected()) {
            return new ApiError(403, "github_token_invalid",
                    "GitHub no longer accepts Miaobu's access to your account; sign in with GitHub again.");
        }
        if (e.status() == 0) {
            return new ApiError(502, "github_unavailable", "Could not reach GitHub while " + doing + " ("
                    + e.getMessage() + "); try again in a moment.");
        }
        if (e.status() == 403 || e.status() == 429) {
            return new ApiError(502, "github_refused", "GitHub refused " + doing + ": " + e.getMessage());
        }
        return new ApiError(502, "github_error", "GitHub answered " + e.status() + " while " + doing + ": " + e.getMessage());
    }
}
