package io.miaobu.domains;

import io.miaobu.auth.AuthService;
import io.miaobu.http.RequestBody;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            List<Map<String, Object>> list = domains.list(auth.require(req), req.pathParam("id")).stream()
                    .map(d -> view(d, domains)).toList();
            return Response.ok(Map.of("domains", list));
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

    static Map<String, Object> view(Domain d, DomainService domains) {
        boolean icp = domains.settings().mainland();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", d.id());
        view.put("projectId", d.projectId());
        view.put("hostname", d.hostname());
        view.put("status", d.status().name());
        String message = d.message();
        if (message == null && icp && d.status() != DomainStatus.ERROR) {
            message = "This platform's edge serves mainland China: " + d.hostname() + " must have an ICP filing (ICP 备案)"
                    + " before the edge will serve it, even with a valid certificate.";
        }
        view.put("message", message);
        view.put("apex", d.apex());
        view.put("dnsRecords", d.dnsRecords().stream().map(r -> {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("type", r.type());
            record.put("name", r.name());
            record.put("host", Hostnames.hostLabel(r.name(), d.hostname()));
            record.put("value", r.value());
            record.put("purpose", r.purpose());
            record.put("status", r.status() == null ? DnsRecord.MISSING : r.status());
            record.put("found", r.found());
            return record;
        }).toList());
        if (d.certStatus() == null) {
            view.put("certificate", null);
        } else {
            Map<String, Object> cert = new LinkedHashMap<>();
            cert.put("status", d.certStatus());
            cert.put("issuer", d.certIssuer());
            cert.put("notBefore", d.certNotBefore());
            cert.put("notAfter", d.certNotAfter());
            cert.put("renewAfter", d.renewAfter());
            view.put("certificate", cert);
        }
        view.put("icpRequired", icp);
        // A wildcard serves many names and is no URL itself: clients show the names it covers instead.
        boolean wildcard = Hostnames.isWildcard(d.hostname());
        view.put("wildcard", wildcard);
        view.put("url", wildcard ? null : "https://" + d.hostname());
        view.put("lastCheckedAt", d.lastCheckedAt());
        view.put("nextCheckAt", d.nextCheckAt());
        view.put("createdAt", d.createdAt());
        return view;
    }
}
