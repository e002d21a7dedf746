package io.miaobu.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AcsRoaClient;
import io.miaobu.aliyun.AliyunApiException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The functions `s deploy` creates from serverless.yaml (FC 3.0 API, 2023-03-30): each of api, oauth,
 * webhook, builder and scheduler exists and is active (GetFunction) with the triggers it needs
 * (ListTriggers), and the app's custom domain routes the dashboard ({@code /}), {@code /api/*},
 * {@code /oauth/*}, {@code /webhooks/*} and {@code /hooks/*} to them (GetCustomDomain); and the layers
 * deployments' functions are created with exist in the region (GetLayerVersionByArn).
 */
final class FcCheck {
    static final String VERSION = "2023-03-30";

    /** Function (suffix of the prefix) -> the trigger types it needs. */
    private static final Map<String, Set<String>> FUNCTIONS = new LinkedHashMap<>();

    static {
        FUNCTIONS.put("api", Set.of("http"));
        FUNCTIONS.put("oauth", Set.of("http"));
        FUNCTIONS.put("webhook", Set.of("http"));
        FUNCTIONS.put("builder", Set.of("eventbridge", "http"));
        FUNCTIONS.put("scheduler", Set.of("timer"));
    }

    /** Path on the app domain -> the function (suffix) that must serve it; null: any function. */
    private static final Map<String, String> ROUTES = new LinkedHashMap<>();

    static {
        ROUTES.put("/api/*", "api");
        ROUTES.put("/oauth/*", "oauth");
        ROUTES.put("/webhooks/*", "webhook");
        ROUTES.put("/hooks/*", "webhook");
    }

    private FcCheck() {}

    /**
     * @param layers the variable that names each layer deployments' functions use, and its ARN
     */
    static List<CheckResult> run(AcsRoaClient fc, String prefix, Optional<String> publicUrl, Duration buildTimeout,
                                 Map<String, String> layers) {
        List<CheckResult> results = new ArrayList<>();
        FUNCTIONS.forEach((suffix, triggerTypes) -> {
            String name = prefix + "-" + suffix;
            // The builder runs a whole build: install and build, each up to MIAOBU_BUILD_TIMEOUT_MINUTES.
            long minTimeout = suffix.equals("builder") ? 2 * buildTimeout.toSeconds() : 0;
            results.add(CheckResult.attempt("fc " + name, () -> function(fc, name, triggerTypes, minTimeout), e -> notFound(e)
                    ? "deploy it: `s deploy -t serverless.yaml` (or set MIAOBU_FUNCTION_PREFIX to serverless.yaml's vars.prefix)"
                    : Fixes.forApiError(e, "fc:GetFunction and fc:ListTriggers", "check MIAOBU_FC_ENDPOINT, MIAOBU_ALIYUN_ACCOUNT_ID and MIAOBU_ALIYUN_REGION")));
        });
        if (publicUrl.isEmpty()) {
            results.add(CheckResult.fail("fc custom domain", "MIAOBU_PUBLIC_URL is not set",
                    "set it to https://{serverless.yaml's vars.appDomain}, as the functions get it"));
        } else {
            String domain = URI.create(publicUrl.get()).getHost();
            results.add(CheckResult.attempt("fc custom domain", () -> domain(fc, domain, prefix), e -> notFound(e)
                    ? "create it: `s deploy -t serverless.yaml` deploys the domain component (vars.appDomain, CNAME to FC first)"
                    : Fixes.forApiError(e, "fc:GetCustomDomain", "check MIAOBU_FC_ENDPOINT")));
        }
        layers.forEach((variable, arn) -> {
            String name = "fc layer " + arn.substring(arn.indexOf("layers/") + "layers/".length());
            results.add(CheckResult.attempt(name, () -> {
                JsonNode layer = fc.get("GetLayerVersionByArn", "/" + VERSION + "/layerarn/" + java.net.URLEncoder.encode(arn,
                        java.nio.charset.StandardCharsets.UTF_8));
                return CheckResult.ok(name, arn + " (" + layer.path("compatibleRuntime").toString() + ")");
            }, e -> notFound(e)
                    ? "no such layer version in this region: set " + variable + " to one the FC console lists (Layers → Official layers)"
                    : Fixes.forApiError(e, "fc:GetLayerVersionByArn", "check MIAOBU_FC_ENDPOINT")));
        });
        return results;
    }

    /** The function's timeout in seconds; empty when FC does not answer it (the function's own check says why). */
    static OptionalLong timeout(AcsRoaClient fc, String name) {
        try {
            JsonNode timeout = fc.get("GetFunction", "/" + VERSION + "/functions/" + name).path("timeout");
            return timeout.canConvertToLong() ? OptionalLong.of(timeout.asLong()) : OptionalLong.empty();
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static CheckResult function(AcsRoaClient fc, String name, Set<String> triggerTypes, long minTimeoutSeconds) {
        JsonNode f = fc.get("GetFunction", "/" + VERSION + "/functions/" + name);
        String state = f.path("state").asText("Active");
        if (!state.equals("Active")) {
            return CheckResult.fail("fc " + name, "function is " + state + " (" + f.path("stateReason").asText("no reason given") + ")",
                    "see the function's state in the FC console and deploy it again (`s deploy -t serverless.yaml`)");
        }
        Set<String> have = new TreeSet<>();
        for (JsonNode t : fc.get("ListTriggers", "/" + VERSION + "/functions/" + name + "/triggers").path("triggers")) {
            have.add(t.path("triggerType").asText());
        }
        Set<String> missing = new TreeSet<>(triggerTypes);
        missing.removeAll(have);
        String found = f.path("runtime").asText("?") + ", timeout " + f.path("timeout").asText("?") + " s, triggers "
                + (have.isEmpty() ? "none" : String.join(" ", have));
        if (!missing.isEmpty()) {
            return CheckResult.fail("fc " + name, found + "; missing a " + String.join(" and a ", missing) + " trigger",
                    "deploy serverless.yaml again (`s deploy -t serverless.yaml`): it declares the function's triggers");
        }
        if (f.path("timeout").asLong(Long.MAX_VALUE) <= minTimeoutSeconds) {
            return CheckResult.fail("fc " + name, found + "; a build may run " + minTimeoutSeconds
                            + " s (install + build, MIAOBU_BUILD_TIMEOUT_MINUTES each), longer than the function may",
                    "raise the builder's timeout in serverless.yaml above " + minTimeoutSeconds
                            + " s (and keep the queue's VisibilityTimeout above it), or lower MIAOBU_BUILD_TIMEOUT_MINUTES");
        }
        return CheckResult.ok("fc " + name, found);
    }

    private static CheckResult domain(AcsRoaClient fc, String domain, String prefix) {
        JsonNode d = fc.get("GetCustomDomain", "/" + VERSION + "/custom-domains/" + domain);
        Map<String, String> routes = new LinkedHashMap<>();
        for (JsonNode r : d.path("routeConfig").path("routes")) {
            routes.put(r.path("path").asText(), r.path("functionName").asText());
        }
        List<String> problems = new ArrayList<>();
        if (!routes.containsKey("/") && !routes.containsKey("/*")) {
            problems.add("no route for / (the dashboard, and the page GitHub sign-in returns to)");
        }
        ROUTES.forEach((path, suffix) -> {
            String want = prefix + "-" + suffix;
            String got = routes.get(path);
            if (got == null) {
                problems.add("no route for " + path + " (to " + want + ")");
            } else if (!got.equals(want)) {
                problems.add(path + " goes to " + got + ", not " + want);
            }
        });
        if (!problems.isEmpty()) {
            return CheckResult.fail("fc custom domain", domain + ": " + String.join("; ", problems),
                    "route them in serverless.yaml's domain component (routeConfig.routes) and `s deploy -t serverless.yaml`");
        }
        return CheckResult.ok("fc custom domain", domain + " routes " + String.join(" ", routes.keySet()));
    }

    private static boolean notFound(RuntimeException e) {
        return e instanceof AliyunApiException a && a.status() == 404;
    }
}
