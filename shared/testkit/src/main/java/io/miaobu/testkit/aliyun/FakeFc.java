package io.miaobu.testkit.aliyun;

import com.sun.net.httpserver.HttpExchange;
import io.miaobu.aliyun.AliyunCredentials;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read side of Function Compute 3.0's OpenAPI (version 2023-03-30, ROA style) for tests, as the
 * official {@code fc20230330} SDK calls it: {@code GetFunction} ({@code GET /2023-03-30/functions/{name}}),
 * {@code ListTriggers} ({@code GET /2023-03-30/functions/{name}/triggers}) and {@code GetCustomDomain}
 * ({@code GET /2023-03-30/custom-domains/{domainName}}). Like the real endpoint it accepts only the V3
 * signature (ACS3-HMAC-SHA256, checked by {@link FakeAliyunRpc}) with {@code x-acs-version: 2023-03-30},
 * and answers errors as {@code {"Code","Message","RequestId"}} (the SDK's {@code Error} model:
 * {@code FunctionNotFound}, {@code DomainNameNotFound}). Only GETs: nothing here deploys.
 */
public final class FakeFc extends FakeAliyunRpc {
    public static final String VERSION = "2023-03-30";
    private static final Pattern FUNCTION = Pattern.compile("^/2023-03-30/functions/([A-Za-z0-9_-]+)(/triggers)?$");
    private static final Pattern DOMAIN = Pattern.compile("^/2023-03-30/custom-domains/([A-Za-z0-9.*-]+)$");

    /** One route of a custom domain: a path ({@code /api/*}) to a function. */
    public record Route(String path, String functionName) {}

    private final Map<String, Map<String, Object>> functions = new ConcurrentHashMap<>();
    private final Map<String, List<Map<String, Object>>> triggers = new ConcurrentHashMap<>();
    private final Map<String, List<Route>> domains = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public FakeFc(AliyunCredentials credentials) {
        super(VERSION, credentials);
    }

    /** A function on the custom runtime with this timeout and the given triggers ({@code name:type}, e.g. {@code http:http}). */
    public FakeFc function(String name, int timeoutSeconds, String... triggersNameType) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("functionName", name);
        f.put("functionArn", "acs:fc:cn-hangzhou:1234567890:functions/" + name);
        f.put("runtime", "custom.debian10");
        f.put("timeout", timeoutSeconds);
        f.put("state", "Active");
        f.put("lastUpdateStatus", "Successful");
        functions.put(name, f);
        List<Map<String, Object>> list = new ArrayList<>();
        for (String t : triggersNameType) {
            String[] nt = t.split(":", 2);
            list.add(Map.of("triggerName", nt[0], "triggerType", nt[1], "qualifier", "LATEST"));
        }
        triggers.put(name, list);
        return this;
    }

    public FakeFc removeFunction(String name) {
        functions.remove(name);
        triggers.remove(name);
        return this;
    }

    public FakeFc customDomain(String domainName, List<Route> routes) {
        domains.put(domainName.toLowerCase(Locale.ROOT), List.copyOf(routes));
        return this;
    }

    /** Requests served, as {@code "GetFunction /2023-03-30/functions/x"}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    protected Map<String, Object> handle(String action, Map<String, String> params) {
        throw new RpcError(404, "InvalidAction.NotFound", "FC 3.0 is a ROA API: call its REST paths, not the RPC root.");
    }

    @Override
    protected void other(HttpExchange exchange, byte[] body) throws IOException {
        try {
            Call call = authenticateRoa(exchange, body);
            if (!exchange.getRequestMethod().equals("GET")) {
                throw new RpcError(405, "MethodNotAllowed", "This fake serves FC 3.0's read APIs only.");
            }
            String path = exchange.getRequestURI().getPath();
            requests.add(call.action() + " " + path);
            respond(exchange, 200, answer(call.action(), path));
        } catch (RpcError e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("Code", e.code);
            error.put("Message", e.getMessage());
            error.put("RequestId", "1-" + UUID.randomUUID());
            respond(exchange, e.status, error);
        }
    }

    private Object answer(String action, String path) {
        Matcher f = FUNCTION.matcher(path);
        Matcher d = DOMAIN.matcher(path);
        if (f.matches()) {
            Map<String, Object> function = functions.get(f.group(1));
            if (function == null) {
                throw new RpcError(404, "FunctionNotFound", "function '" + f.group(1) + "' does not exist");
            }
            boolean listTriggers = f.group(2) != null;
            expect(action, listTriggers ? "ListTriggers" : "GetFunction");
            return listTriggers ? Map.of("triggers", triggers.get(f.group(1)), "nextToken", "") : function;
        }
        if (d.matches()) {
            expect(action, "GetCustomDomain");
            List<Route> routes = domains.get(d.group(1).toLowerCase(Locale.ROOT));
            if (routes == null) {
                throw new RpcError(404, "DomainNameNotFound", "domain name '" + d.group(1) + "' does not exist");
            }
            List<Map<String, Object>> out = routes.stream().map(r -> Map.<String, Object>of("path", r.path(),
                    "functionName", r.functionName(), "qualifier", "LATEST")).toList();
            return Map.of("domainName", d.group(1), "protocol", "HTTP,HTTPS", "routeConfig", Map.of("routes", out));
        }
        throw new RpcError(404, "NotFound", "FakeFc does not serve " + path);
    }

    /** The SDK names the operation in x-acs-action; a request whose action does not match its path is refused. */
    private static void expect(String action, String expected) {
        if (!expected.equals(action)) {
            throw new RpcError(400, "InvalidAction", "x-acs-action " + action + " does not match the path (" + expected + ").");
        }
    }
}
