package io.miaobu.deploy;

import io.miaobu.api.FolderDeploymentCompletedView;
import io.miaobu.api.FolderDeploymentStartedView;
import io.miaobu.auth.AuthService;
import io.miaobu.edge.Hosts;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.List;

/**
 * Folder deployments ({@code ./miaobu deploy DIR}): list the files, upload what is missing, complete.
 * <pre>
 * POST /api/v1/projects/{id}/deployments/folder  {files: [{path, sha256, size}], production?}
 *      -> 201 {deployment, missing: [sha256]}
 * PUT  /api/v1/deployments/{id}/files/{sha256}    the file's bytes -> 204
 * POST /api/v1/deployments/{id}/files             several files, framed as in {@link UploadFrames} -> 204
 * POST /api/v1/deployments/{id}/complete          -> {deployment, productionUrl?, warnings: [{file, line, message}]}
 * </pre>
 */
public final class FolderDeploymentRoutes {
    private FolderDeploymentRoutes() {}

    public static void register(Router router, AuthService auth, FolderDeployments folders, Hosts hosts) {
        router.post("/api/v1/projects/{id}/deployments/folder", req -> {
            var started = folders.start(auth.require(req), req.pathParam("id"),
                    RequestBody.read(req.body(), FolderDeployments.NewFolderDeployment.class));
            return Response.json(201, FolderDeploymentStartedView.of(started, hosts));
        });
        router.put("/api/v1/deployments/{id}/files/{sha256}", req -> {
            var user = auth.require(req);
            folders.upload(user, req.pathParam("id"), List.of(new FolderDeployments.Upload(req.pathParam("sha256"), req.body())));
            return Response.noContent();
        });
        router.post("/api/v1/deployments/{id}/files", req -> {
            var user = auth.require(req);
            folders.upload(user, req.pathParam("id"), UploadFrames.parse(req.body()));
            return Response.noContent();
        });
        router.post("/api/v1/deployments/{id}/complete", req -> {
            var completed = folders.complete(auth.require(req), req.pathParam("id"));
            return Response.ok(FolderDeploymentCompletedView.of(completed, hosts));
        });
    }
}
