package io.miaobu.github;

import io.miaobu.api.AuthProvidersView;
import io.miaobu.api.GitHubRepositoryPageView;
import io.miaobu.auth.AuthService;
import io.miaobu.auth.User;
import io.miaobu.errors.ApiError;
import io.miaobu.http.Response;
import io.miaobu.http.Router;

/** GitHub sign-in, the user's repositories, and webhook intake. */
final class GitHubRoutes {
    private GitHubRoutes() {}

    static void register(Router router, AuthService auth, GitHubSignIn signIn, GitHubAccounts accounts,
                         GitHub github, WebhookIntake intake) {
        router.get("/api/v1/auth/providers", req ->
                Response.ok(AuthProvidersView.of(signIn.enabled(), GitHubSignIn.START_PATH)));
        router.get(GitHubSignIn.START_PATH, req -> signIn.start());
        router.get(GitHubSignIn.CALLBACK_PATH, signIn::callback);
        router.post("/api/v1/github/link", req -> signIn.linkStart(auth.require(req)));
        router.get("/api/v1/github/repositories", req -> {
            User user = auth.require(req);
            String token = accounts.requireToken(user);
            int page = page(req.queryParam("page").orElse("1"));
            GitHub.RepositoryPage result;
            try {
                result = github.repositories(token, page);
            } catch (GitHubException e) {
                throw GitHubErrors.toHttp(e, "listing your repositories");
            }
            return Response.ok(GitHubRepositoryPageView.of(result));
        });
        router.post("/webhooks/github", intake::receive);
    }

    private static int page(String value) {
        try {
            int page = Integer.parseInt(value.trim());
            if (page >= 1 && page <= 1000) {
                return page;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiError.badRequest("invalid_page", "`page` must be a number from 1 to 1000, got \"" + value + "\".");
    }
}
