package io.miaobu.deploy;

import io.miaobu.api.DeploymentView;
import io.miaobu.api.LogPageView;
import io.miaobu.auth.AuthService;
import io.miaobu.edge.Hosts;
import io.miaobu.errors.ApiError;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Request;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.projects.Project;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/** Deployments, their logs (paged and streamed), promote and cancel. */
public final class DeploymentRoutes {
    private static final int LOG_PAGE = 1000;

    private DeploymentRoutes() {}

    public static void register(Router router, AuthService auth, DeploymentService deployments,
                                BuildLogStore logs, LogStream logStream, Hosts hosts) {
        router.post("/api/v1/projects/{id}/deployments", req -> {
            var user = auth.require(req);
            var body = req.body().length == 0 ? new DeploymentService.NewDeployment(null, null)
                    : RequestBody.read(req.body(), DeploymentService.NewDeployment.class);
            var created = deployments.create(user, req.pathParam("id"), body);
            return Response.json(201, DeploymentView.of(created.project(), created.deployment(), hosts));
        });
        router.get("/api/v1/projects/{id}/deployments", req -> {
            var listing = deployments.list(auth.require(req), req.pathParam("id"));
            return Response.ok(listing.deployments().stream().map(d -> DeploymentView.of(listing.project(), d, hosts)).toList());
        });
        router.get("/api/v1/deployments/{id}", req -> {
            var owned = deployments.owned(auth.require(req), req.pathParam("id"));
            return Response.ok(DeploymentView.of(owned.project(), owned.deployment(), hosts));
        });
        router.get("/api/v1/deployments/{id}/logs", req -> {
            var owned = deployments.owned(auth.require(req), req.pathParam("id"));
            long after = cursor(req);
            // As the stream does: state before lines, and done only once the writer's last line is on this page.
            OptionalLong lastLine = logs.lastLine(owned.deployment().id());
            var lines = logs.after(owned.deployment().id(), after, LOG_PAGE);
            long cursor = lines.isEmpty() ? after : lines.get(lines.size() - 1).n();
            boolean done = lines.size() < LOG_PAGE
                    && logStream.ended(Optional.of(owned.deployment()), lastLine, cursor);
            return Response.ok(LogPageView.of(lines, done));
        });
        router.get("/api/v1/deployments/{id}/logs/stream", req -> {
            var owned = deployments.owned(auth.require(req), req.pathParam("id"));
            long after = cursor(req, true);
            return Response.stream("text/event-stream; charset=utf-8",
                    out -> logStream.stream(owned.deployment().id(), after, out));
        });
        router.post("/api/v1/deployments/{id}/promote", req -> {
            var owned = deployments.promote(auth.require(req), req.pathParam("id"));
            return Response.ok(DeploymentView.of(owned.project(), owned.deployment(), hosts));
        });
        router.post("/api/v1/deployments/{id}/cancel", req -> {
            var owned = deployments.cancel(auth.require(req), req.pathParam("id"));
            return Response.ok(DeploymentView.of(owned.project(), owned.deployment(), hosts));
        });
    }

    /** The {@code after} query parameter (or the reconnecting browser's Last-Event-ID, when asked), 0 when absent. */
    static long cursor(Request req, boolean resuming) {
        return resuming ? req.header("last-event-id").map(DeploymentRoutes::parseCursor).orElse(cursor(req)) : cursor(req);
    }

    private static long cursor(Request req) {
        return req.queryParam("after").map(DeploymentRoutes::parseCursor).orElse(0L);
    }

    private static long parseCursor(String value) {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("invalid_cursor", "`after` must be a line number (0 or more), got \"" + value + "\".");
        }
    }

    /** Each project's newest deployment as the API shows it, keyed by project id (one query for the whole list). */
    public static Function<List<Project>, Map<String, DeploymentView>> newestViews(DeploymentStore store, Hosts hosts) {
        return projects -> {
            Map<String, Project> byId = new LinkedHashMap<>();
            projects.forEach(p -> byId.put(p.id(), p));
            Map<String, DeploymentView> views = new LinkedHashMap<>();
            for (Deployment d : store.newestOfProjects(byId.keySet())) {
                views.put(d.projectId(), DeploymentView.of(byId.get(d.projectId()), d, hosts));
            }
            return views;
        };
    }

    /** The live deployment's view per project id (projects with none live are absent). */
    public static Function<List<Project>, Map<String, DeploymentView>> liveViews(DeploymentStore store, Hosts hosts) {
        return projects -> {
            Map<String, DeploymentView> views = new LinkedHashMap<>();
            for (Project p : projects) {
                if (p.liveDeploymentId() != null) {
                    store.findById(p.liveDeploymentId()).ifPresent(d -> views.put(p.id(), DeploymentView.of(p, d, hosts)));
                }
            }
            return views;
        };
    }
}
