package io.miaobu.api;

import org.jspecify.annotations.Nullable;

/** How a user can sign in: always with a password, with GitHub when it is configured. */
@ApiSchema("AuthProviders")
public record AuthProvidersView(boolean password, GitHubProvider github) {

    /** @param signInUrl where the browser starts GitHub sign-in; null when it is not configured */
    public record GitHubProvider(boolean enabled, @Nullable String signInUrl) {}

    public static AuthProvidersView of(boolean githubEnabled, String githubSignInPath) {
        return new AuthProvidersView(true, new GitHubProvider(githubEnabled, githubEnabled ? githubSignInPath : null));
    }
}
