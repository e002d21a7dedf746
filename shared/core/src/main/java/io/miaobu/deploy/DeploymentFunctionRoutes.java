package io.miaobu.deploy;

import io.miaobu.api.DeploymentFunctionsView;
import io.miaobu.api.LogPageView;
import io.miaobu.auth.AuthService;
import io.miaobu.dynamic.FunctionLogStore;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.List;

/**
 * A deployment's functions and what they print, for its owner: the routes its build found, and the function
 * log (paged and streamed, in the build log's shape). Where the functions run is never shown.
 */
public final class DeploymentFunctionRoutes {
    private static final int LOG_PAGE = 1000;

    private DeploymentFunctionRoutes() {}

    public static void register(Router router, AuthService auth, DeploymentService deployments, FunctionLogStore logs,
                                LogStream logStream) {
        router.get("/api/v1/deployments/{id}/functions", req -> {
            var owned = deployments.owned(auth.require(req), req.pathParam("id"));
            return Response.ok(DeploymentFunctionsView.of(owned.deployment().functions()));
        });
        router.get("/api/v1/deployments/{id}/functions/logs", req -> {
            var owned = deployments.owned(auth.require(req), req.pathParam("id"));
            List<LogLine> lines = logs.after(owned.deployment().id(), DeploymentRoutes.cursor(req, false), LOG_PAGE);
            // A served deployment's functions may always print more; once it is not served, nothing will.
            boolean done = owned.deployment().status().isFinal() && owned.deployment().status() != DeploymentStatus.READY
                    && lines.size() < LOG_PAGE;
            return Response.ok(LogPageView.of(lines, done));
        });
        router.get("/api/v1/deployments/{id}/functions/logs/stream", req -> {
            var owned = deployments.owned(auth.require(req), req.pathParam("id"));
            long after = DeploymentRoutes.cursor(req, true);
            return Response.stream("text/event-stream; charset=utf-8", out -> logStream.stream(owned.deployment().id(), after, out));
        });
    }
}
