package io.miaobu.deploy;

import io.miaobu.auth.AuthService;
import io.miaobu.edge.Hosts;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.limits.Throttle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

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
            DeployHooks.Created created = hooks.create(user, req.pathParam("id"), body.name(), body.branch());
            Map<String, Object> view = view(created.hook());
            view.put("url", created.url()); // shown this once: only its hash is stored
            return Response.json(201, view);
        });
        router.get("/api/v1/projects/{id}/hooks", req ->
                Response.ok(hooks.list(auth.require(req), req.pathParam("id")).stream().map(DeployHookRoutes::view).toList()));
        router.delete("/api/v1/projects/{id}/hooks/{hookId}", req -> {
            hooks.delete(auth.require(req), req.pathParam("id"), req.pathParam("hookId"));
            return Response.noContent();
        });
        router.post("/hooks/deploy/{token}", req -> {
            // Keyed by the token's hash, as stored: the secret URL itself never reaches the database.
            throttle.count("hook:" + DeployHooks.hash(req.pathParam("token")), triggersPerMinute, Duration.ofMinutes(1),
                    "This deploy hook was called too often; each call queues a build.");
            DeployHooks.Triggered triggered = hooks.trigger(req.pathParam("token"));
            Deployment d = triggered.deployment();
            // Whoever holds the URL learns what was queued, not the project's settings or history.
            return Response.json(201, Map.of("deployment", Map.of("id", d.id(), "status", d.status(), "branch", d.branch(),
                    "url", hosts.url(hosts.deployment(d.id(), triggered.project().slug())))));
        });
    }

    private static Map<String, Object> view(DeployHook hook) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", hook.id());
        view.put("projectId", hook.projectId());
        view.put("name", hook.name());
        view.put("branch", hook.branch());
        view.put("createdAt", hook.createdAt());
        return view;
    }
}
