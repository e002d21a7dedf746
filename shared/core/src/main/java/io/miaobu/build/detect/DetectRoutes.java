package io.miaobu.build.detect;

import io.miaobu.auth.AuthService;
import io.miaobu.http.Json;
import io.miaobu.http.Response;
import io.miaobu.http.Router;

/** POST /api/v1/detect {gitUrl, ref?, rootDirectory?} -> the detected build settings (DESIGN §10). */
public final class DetectRoutes {
    private DetectRoutes() {}

    public static void register(Router router, AuthService auth, DetectService detect) {
        router.post("/api/v1/detect", req -> {
            auth.require(req);
            return Response.ok(detect.detect(Json.read(req.body(), DetectService.Request.class)).view());
        });
    }
}
