package io.miaobu.projects;

import io.miaobu.auth.AuthService;
import io.miaobu.edge.Hosts;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.LinkedHashMap;
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
     * @param latestDeployments the newest deployment's view per project id, for the projects list, so the
     *                          dashboard draws it with one request (projects never deployed are absent)
     * @param liveDeployments   the live deployment's view per project id: after a rollback it is not the newest
     */
    public static void register(Router router, AuthService auth, ProjectService projects, Hosts hosts,
                                Function<List<Project>, Map<String, Map<String, Object>>> latestDeployments,
                                Function<List<Project>, Map<String, Map<String, Object>>> liveDeployments) {
        router.post("/api/v1/projects", req -> {
            var body = RequestBody.read(req.body(), ProjectService.NewProject.class);
            return Response.json(201, view(projects.create(auth.require(req), body), hosts));
        });
        router.get("/api/v1/projects", req -> {
            List<Project> list = projects.list(auth.require(req));
            Map<String, Map<String, Object>> latest = latestDeployments.apply(list);
            Map<String, Map<String, Object>> live = liveDeployments.apply(list);
            return Response.ok(list.stream().map(p -> {
                Map<String, Object> view = view(p, hosts);
                view.put("latestDeployment", latest.get(p.id()));
                view.put("liveDeployment", live.get(p.id()));
                return view;
            }).toList());
        });
        router.get("/api/v1/projects/{id}", req ->
                Response.ok(view(projects.owned(auth.require(req), req.pathParam("id")), hosts)));
        router.patch("/api/v1/projects/{id}", req -> {
            var user = auth.require(req);
            return Response.ok(view(projects.update(user, req.pathParam("id"), ProjectChanges.parse(req.body())), hosts));
        });
        router.delete("/api/v1/projects/{id}", req -> {
            projects.delete(auth.require(req), req.pathParam("id"));
            return Response.noContent();
        });
    }

    public static Map<String, Object> view(Project p, Hosts hosts) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", p.id());
        view.put("name", p.name());
        view.put("slug", p.slug());
        view.put("gitUrl", p.gitUrl());
        view.put("githubRepository", p.githubRepository());
        view.put("productionBranch", p.productionBranch());
        view.put("rootDirectory", p.rootDirectory());
        view.put("installCommand", p.installCommand());
        view.put("buildCommand", p.buildCommand());
        view.put("outputDirectory", p.outputDirectory());
        view.put("autoPublish", p.autoPublish());
        view.put("liveDeploymentId", p.liveDeploymentId());
        view.put("url", hosts.url(hosts.production(p.slug())));
        view.put("createdAt", p.createdAt());
        view.put("updatedAt", p.updatedAt());
        return view;
    }
}
