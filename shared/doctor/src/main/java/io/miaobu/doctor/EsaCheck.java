package io.miaobu.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.config.EdgeSettings;
import io.miaobu.config.ConfigException;
import io.miaobu.esa.EsaApi;
import io.miaobu.esa.EsaEdgeHostnames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The edge (DESIGN §5): the ESA site is active (GetSite), the edge KV namespace the functions write
 * routes to exists (GetKvNamespace), the routine that reads them exists and is published to
 * production (GetRoutine), and the record custom hostnames attach to exists (ListRecords, looked up
 * as EsaEdgeHostnames does: by name, or by the CNAME ESA gave it).
 */
final class EsaCheck {
    private EsaCheck() {}

    static List<CheckResult> run(EdgeSettings settings, EsaApi esa) {
        List<CheckResult> results = new ArrayList<>();
        if (settings.siteId().isEmpty()) {
            results.add(CheckResult.fail("esa site", "MIAOBU_ESA_SITE_ID is not set",
                    "set it to the numeric id of the ESA site serving *.{base domain} (ESA console, or ListSites)"));
        } else {
            String site = settings.siteId().get();
            results.add(CheckResult.attempt("esa site", () -> site(esa, site), e -> notFound(e, "InvalidSiteId")
                    ? "set MIAOBU_ESA_SITE_ID to the id ListSites (or the ESA console) shows for the sites' domain"
                    : Fixes.forApiError(e, "esa:GetSite", "check MIAOBU_ESA_ENDPOINT")));
        }
        if (settings.kvNamespace().isEmpty()) {
            results.add(CheckResult.fail("esa kv namespace", "MIAOBU_ESA_KV_NAMESPACE is not set",
                    "set it to serverless.yaml's vars.esaKvNamespace"));
        } else {
            String ns = settings.kvNamespace().get();
            results.add(CheckResult.attempt("esa kv namespace", () -> {
                esa.call("GetKvNamespace", Map.of("Namespace", ns));
                return CheckResult.ok("esa kv namespace", "namespace " + ns + " exists");
            }, e -> notFound(e, "InvalidNameSpace")
                    ? "create it: ESA console > Edge KV > Create Namespace \"" + ns + "\" (CreateKvNamespace), then `./miaobu edge publish`"
                    : Fixes.forApiError(e, "esa:GetKvNamespace", "check MIAOBU_ESA_ENDPOINT")));
        }
        String routine = settings.routine();
        results.add(CheckResult.attempt("esa routine", () -> routine(esa, routine), e -> notFound(e, "RoutineNotExist")
                ? "run `./miaobu edge publish`: it creates routine " + routine + " and publishes it"
                : Fixes.forApiError(e, "esa:GetRoutine", "check MIAOBU_ESA_ROUTINE and MIAOBU_ESA_ENDPOINT")));
        if (settings.edgeTarget().isEmpty()) {
            results.add(CheckResult.fail("esa edge target", "MIAOBU_EDGE_TARGET is not set: users' custom domains have nothing to CNAME to",
                    "set it to the name of a record of the ESA site that the routine serves, e.g. sites.{base domain}"));
        } else if (settings.siteId().isPresent()) {
            String target = settings.edgeTarget().get();
            String site = settings.siteId().get();
            // The very lookup custom hostnames make (a record's name, or the CNAME ESA gave it).
            EsaEdgeHostnames hostnames = new EsaEdgeHostnames(esa, site, settings.edgeTarget(), settings.esaManagedCertificates(), settings.casRegion());
            results.add(CheckResult.attempt("esa edge target", () -> CheckResult.ok("esa edge target",
                            target + " is record " + hostnames.targetRecordId() + " of site " + site),
                    e -> e instanceof ConfigException
                            ? "add a proxied record such as edge.{base domain} to the site (origin: the bucket) and set MIAOBU_EDGE_TARGET to its name or its CNAME"
                            : Fixes.forApiError(e, "esa:ListRecords", "check MIAOBU_ESA_SITE_ID")));
        }
        return results;
    }

    private static CheckResult site(EsaApi esa, String siteId) {
        JsonNode site = esa.call("GetSite", Map.of("SiteId", siteId)).path("SiteModel");
        String name = site.path("SiteName").asText("?");
        String status = site.path("Status").asText("");
        if (status.equals("offline")) {
            return CheckResult.fail("esa site", "site " + siteId + " (" + name + ") is offline (" + site.path("OfflineReason").asText("no reason given") + ")",
                    "bring it back online in the ESA console (expiration_arrears: renew the plan or pay; missing_icp: file the ICP)");
        }
        if (!status.equals("active")) {
            // pending: access not verified yet; moved: another site took over the domain (GetSite's Status values).
            return CheckResult.fail("esa site", "site " + siteId + " (" + name + ") is " + (status.isEmpty() ? "of unknown status" : status) + ", not active",
                    "finish the site's access setup in the ESA console (NS or CNAME verification) until it shows active");
        }
        return CheckResult.ok("esa site", "site " + siteId + " (" + name + ") is active");
    }

    private static CheckResult routine(EsaApi esa, String routine) {
        JsonNode envs = esa.call("GetRoutine", Map.of("Name", routine)).path("Envs");
        for (JsonNode env : envs) {
            if (env.path("Env").asText().equals("production") && !env.path("CodeVersion").asText("").isEmpty()) {
                return CheckResult.ok("esa routine", "routine " + routine + " exists, version " + env.path("CodeVersion").asText() + " in production");
            }
        }
        return CheckResult.fail("esa routine", "routine " + routine + " exists but nothing is published to production",
                "run `./miaobu edge publish` (staging and production)");
    }

    private static boolean notFound(RuntimeException e, String codePrefix) {
        return e instanceof AliyunApiException a && a.code() != null && a.code().startsWith(codePrefix);
    }
}
