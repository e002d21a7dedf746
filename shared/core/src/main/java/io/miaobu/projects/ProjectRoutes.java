package io.miaobu.projects;

import io.miaobu.auth.AuthService;
import io.miaobu.edge.Hosts;
import io.miaobu.http.Json;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/** Projects CRUD under /api/v1/projects. */
public final class ProjectRoutes {
    private ProjectRoutes() {}

    public static void register(Router router, AuthService auth, ProjectService projects, Hosts hosts) {
        router.post("/api/v1/projects", req -> {
            var body = Json.read(req.body(), ProjectService.NewProject.class);
            return Response.json(201, view(projects.create(auth.require(req), body), hosts));
        });
        router.get("/api/v1/projects", req ->
                Response.ok(projects.list(auth.require(req)).stream().map(p -> view(p, hosts)).toList()));
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
