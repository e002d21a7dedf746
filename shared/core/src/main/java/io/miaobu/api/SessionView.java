package io.miaobu.api;

import io.miaobu.auth.AuthService;
import org.jspecify.annotations.Nullable;

/** What registering or signing in answers: the bearer token and who it is for. */
@ApiSchema("Session")
public record SessionView(String token, UserView user) {

    public static SessionView of(AuthService.Session session, @Nullable String githubLogin) {
        return new SessionView(session.token(), UserView.of(session.user(), githubLogin));
    }
}
