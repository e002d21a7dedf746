package io.miaobu.envvars;

import io.miaobu.auth.AuthService;
import io.miaobu.http.Response;
import io.miaobu.http.Router;

/** GET/PUT /api/v1/projects/{id}/env (DESIGN §10): values go in, never come out. */
public final class EnvVarRoutes {
    private EnvVarRoutes() {}

    public static void register(Router router, AuthService auth, EnvVarService env) {
        router.get("/api/v1/projects/{id}/env", req -> Response.ok(env.list(auth.require(req), req.pathParam("id"))));
        router.put("/api/v1/projects/{id}/env", req ->
                Response.ok(env.replace(auth.require(req), req.pathParam("id"), req.body())));
    }
}
