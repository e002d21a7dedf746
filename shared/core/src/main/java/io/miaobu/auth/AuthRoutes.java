package io.miaobu.auth;

import io.miaobu.http.Json;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/** POST /api/v1/auth/register, POST /api/v1/auth/login, GET /api/v1/me. */
public final class AuthRoutes {
    private AuthRoutes() {}

    record Credentials(String email, String password) {}

    public static void register(Router router, AuthService auth) {
        router.post("/api/v1/auth/register", req -> {
            Credentials c = Json.read(req.body(), Credentials.class);
            return Response.json(201, session(auth.register(c.email(), c.password())));
        });
        router.post("/api/v1/auth/login", req -> {
            Credentials c = Json.read(req.body(), Credentials.class);
            return Response.ok(session(auth.login(c.email(), c.password())));
        });
        router.get("/api/v1/me", req -> Response.ok(view(auth.require(req))));
    }

    private static Map<String, Object> session(AuthService.Session session) {
        return Map.of("token", session.token(), "user", view(session.user()));
    }

    static Map<String, Object> view(User user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", user.id());
        view.put("email", user.email());
        view.put("githubLogin", null);
        view.put("createdAt", user.createdAt());
        return view;
    }
}
