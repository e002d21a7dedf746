package io.miaobu.deploy;

import io.miaobu.auth.AuthService;
import io.miaobu.dynamic.FunctionLogStore;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            return Response.ok(view(owned.deployment().functions()));
        });
        router.get("/api/v1/deployments/{id}/functions/logs", req -> {
            var owned = deployments.owned(auth.require(req), req.pathParam("id"));
            List<LogLine> lines = logs.after(owned.deployment().id(), DeploymentRoutes.cursor(req, false), LOG_PAGE);
            // A served deployment's functions may always print more; once it is not served, nothing will.
            boolean done = owned.deployment().status().isFinal() && owned.deployment().status() != DeploymentStatus.READY
                    && lines.size() < LOG_PAGE;
            return Response.ok(Map.of("lines", lines, "done", done));
        });
        router.get("/api/v1/deployments/{id}/functions/logs/stream", req -> {
            var owned = deployments.owned(auth.require(req), req.pathParam("id"));
            long after = DeploymentRoutes.cursor(req, true);
            return Response.stream("text/event-stream; charset=utf-8", out -> logStream.stream(owned.deployment().id(), after, out));
        });
    }

    static Map<String, Object> view(FunctionManifest manifest) {
        FunctionManifest m = manifest == null ? FunctionManifest.EMPTY : manifest;
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("functions", m.functions().stream().map(f -> {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", f.name());
            function.put("route", f.route());
            function.put("runtime", f.runtime());
            function.put("source", f.source());
            return function;
        }).toList());
        FunctionManifest.App app = m.app();
        if (app == null) {
            view.put("app", null);
        } else {
            Map<String, Object> appView = new LinkedHashMap<>();
            appView.put("runtime", app.runtime());
            appView.put("entry", app.entry());
            appView.put("protocol", app.protocol());
            appView.put("startCommand", app.startCommand());
            appView.put("staticDirs", app.staticDirs());
            appView.put("pythonVersion", app.pythonVersion());
            view.put("app", appView);
        }
        return view;
    }
}
