package io.miaobu.projects;

import io.miaobu.api.DeploymentView;
import io.miaobu.api.ProjectListItemView;
import io.miaobu.api.ProjectView;
import io.miaobu.auth.AuthService;
import io.miaobu.edge.Hosts;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Projects CRUD under /api/v1/projects. */
public final class ProjectRoutes {
    private ProjectRoutes() {}

    public static void register(Router router, AuthService auth, ProjectService projects, Hosts hosts) {
        register(router, auth, projects, hosts, list -> Map.of(), list -> Map.of());
    }

    /**
     * @param latestDeployments the newest deployment per project id, for the projects list, so the
     *                          dashboard draws it with one request (projects never deployed are absent)
     * @param liveDeployments   the live deployment per project id: after a rollback it is not the newest
     */
    public static void register(Router router, AuthService auth, ProjectService projects, Hosts hosts,
                                Function<List<Project>, Map<String, DeploymentView>> latestDeployments,
                                Function<List<Project>, Map<String, DeploymentView>> liveDeployments) {
        router.post("/api/v1/projects", req -> {
            var body = RequestBody.read(req.body(), ProjectService.NewProject.class);
            return Response.json(201, ProjectView.of(projects.create(auth.require(req), body), hosts));
        });
        router.get("/api/v1/projects", req -> {
            List<Project> list = projects.list(auth.require(req));
            Map<String, DeploymentView> latest = latestDeployments.apply(list);
            Map<String, DeploymentView> live = liveDeployments.apply(list);
            return Response.ok(list.stream()
                    .map(p -> new ProjectListItemView(ProjectView.of(p, hosts), latest.get(p.id()), live.get(p.id())))
                    .toList());
        });
        router.get("/api/v1/projects/{id}", req ->
                Response.ok(ProjectView.of(projects.owned(auth.require(req), req.pathParam("id")), hosts)));
        router.patch("/api/v1/projects/{id}", req -> {
            var user = auth.require(req);
            return Response.ok(ProjectView.of(projects.update(user, req.pathParam("id"), ProjectChanges.parse(req.body())), hosts));
        });
        router.delete("/api/v1/projects/{id}", req -> {
            projects.delete(auth.require(req), req.pathParam("id"));
            return Response.noContent();
        });
    }
}
