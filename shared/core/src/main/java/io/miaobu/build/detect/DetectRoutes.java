package io.miaobu.build.detect;

import io.miaobu.api.DetectionView;
import io.miaobu.api.ImportCheckView;
import io.miaobu.auth.AuthService;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;

/**
 * POST /api/v1/detect {gitUrl, ref?, rootDirectory?} -> the detected build settings (DESIGN §10);
 * POST /api/v1/import/check {name?, gitUrl?, productionBranch?, ..., envKeys?} -> {slug, url, errors}
 * (what would go wrong importing this repository, per field; nothing is created).
 */
public final class DetectRoutes {
    private DetectRoutes() {}

    public static void register(Router router, AuthService auth, DetectService detect, ImportCheck check) {
        router.post("/api/v1/import/check", req -> {
            auth.require(req);
            return Response.ok(ImportCheckView.of(check.check(RequestBody.read(req.body(), ImportCheck.Request.class))));
        });
        router.post("/api/v1/detect", req -> {
            auth.require(req);
            return Response.ok(DetectionView.of(detect.detect(RequestBody.read(req.body(), DetectService.Request.class))));
        });
    }
}
