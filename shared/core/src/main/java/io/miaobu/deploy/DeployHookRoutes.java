package io.miaobu.deploy;

import io.miaobu.api.CreatedDeployHookView;
import io.miaobu.api.DeployHookView;
import io.miaobu.api.HookTriggeredView;
import io.miaobu.auth.AuthService;
import io.miaobu.edge.Hosts;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.limits.Throttle;
import java.time.Duration;

/** Deploy hooks: managed under a project, triggered by POSTing to their secret URL. */
public final class DeployHookRoutes {
    private DeployHookRoutes() {}

    record NewHook(String name, String branch) {}

    /** @param triggersPerMinute calls one hook URL may make per minute; past it 429 with Retry-After */
    public static void register(Router router, AuthService auth, DeployHooks hooks, Hosts hosts, Throttle throttle,
                                int triggersPerMinute) {
        router.post("/api/v1/projects/{id}/hooks", req -> {
            var user = auth.require(req);
            NewHook body = RequestBody.read(req.body(), NewHook.class);
            return Response.json(201, CreatedDeployHookView.of(hooks.create(user, req.pathParam("id"), body.name(), body.branch())));
        });
        router.get("/api/v1/projects/{id}/hooks", req ->
                Response.ok(hooks.list(auth.require(req), req.pathParam("id")).stream().map(DeployHookView::of).toList()));
        router.delete("/api/v1/projects/{id}/hooks/{hookId}", req -> {
            hooks.delete(auth.require(req), req.pathParam("id"), req.pathParam("hookId"));
            return Response.noContent();
        });
        router.post("/hooks/deploy/{token}", req -> {
            // Keyed by the token's hash, as stored: the secret URL itself never reaches the database.
            throttle.count("hook:" + DeployHooks.hash(req.pathParam("token")), triggersPerMinute, Duration.ofMinutes(1),
                    "This deploy hook was called too often; each call queues a build.");
            return Response.json(201, HookTriggeredView.of(hooks.trigger(req.pathParam("token")), hosts));
        });
    }
}
