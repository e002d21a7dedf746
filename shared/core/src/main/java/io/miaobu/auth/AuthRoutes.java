package io.miaobu.auth;

import io.miaobu.api.SessionView;
import io.miaobu.api.UserView;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.Optional;
import java.util.function.Function;

/** POST /api/v1/auth/register, POST /api/v1/auth/login, GET /api/v1/me. */
public final class AuthRoutes {
    private AuthRoutes() {}

    record Credentials(String email, String password) {}

    public static void register(Router router, AuthService auth) {
        register(router, auth, userId -> Optional.empty());
    }

    /** @param githubLogin the GitHub login linked to a user id, shown as {@code githubLogin} */
    public static void register(Router router, AuthService auth, Function<String, Optional<String>> githubLogin) {
        router.post("/api/v1/auth/register", req -> {
            Credentials c = RequestBody.read(req.body(), Credentials.class);
            return Response.json(201, session(auth.register(c.email(), c.password(), req.clientAddress()), githubLogin));
        });
        router.post("/api/v1/auth/login", req -> {
            Credentials c = RequestBody.read(req.body(), Credentials.class);
            return Response.ok(session(auth.login(c.email(), c.password(), req.clientAddress()), githubLogin));
        });
        router.get("/api/v1/me", req -> {
            User user = auth.require(req);
            return Response.ok(UserView.of(user, githubLogin.apply(user.id()).orElse(null)));
        });
    }

    private static SessionView session(AuthService.Session session, Function<String, Optional<String>> githubLogin) {
        return SessionView.of(session, githubLogin.apply(session.user().id()).orElse(null));
    }
}
