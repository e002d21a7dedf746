package io.miaobu.domains;

import io.miaobu.api.DomainListView;
import io.miaobu.api.DomainView;
import io.miaobu.auth.AuthService;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;

/** Custom domains under /api/v1 (contract: /work/contract-domains.md, DESIGN §10). */
public final class DomainRoutes {
    private DomainRoutes() {}

    record NewDomain(String hostname) {}

    public static void register(Router router, AuthService auth, DomainService domains, String baseDomain) {
        router.post("/api/v1/projects/{id}/domains", req -> {
            var user = auth.require(req);
            NewDomain body = RequestBody.read(req.body(), NewDomain.class);
            String hostname = body == null ? null : body.hostname();
            return Response.json(201, view(domains.add(user, req.pathParam("id"), hostname, baseDomain), domains));
        });
        router.get("/api/v1/projects/{id}/domains", req -> {
            return Response.ok(new DomainListView(domains.list(auth.require(req), req.pathParam("id")).stream()
                    .map(d -> view(d, domains)).toList()));
        });
        router.get("/api/v1/domains/{id}", req ->
                Response.ok(view(domains.owned(auth.require(req), req.pathParam("id")), domains)));
        router.post("/api/v1/domains/{id}/verify", req ->
                Response.ok(view(domains.verify(auth.require(req), req.pathParam("id")), domains)));
        router.delete("/api/v1/domains/{id}", req -> {
            domains.delete(auth.require(req), req.pathParam("id"));
            return Response.noContent();
        });
    }

    private static DomainView view(Domain d, DomainService domains) {
        return DomainView.of(d, domains.settings().mainland());
    }
}
