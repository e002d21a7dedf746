package io.miaobu.http;

import io.miaobu.api.ErrorView;
import io.miaobu.errors.ApiError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one router every function serves, so local mode and FC answer identically. Patterns are
 * literal segments and {@code {name}} captures; the first registered match wins.
 */
public final class Router implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private record Route(String method, String[] segments, Handler handler) {
        String pattern() {
            return "/" + String.join("/", segments);
        }
    }

    private final List<Route> routes = new ArrayList<>();

    public Router get(String pattern, Handler handler) {
        return add("GET", pattern, handler);
    }

    public Router post(String pattern, Handler handler) {
        return add("POST", pattern, handler);
    }

    public Router put(String pattern, Handler handler) {
        return add("PUT", pattern, handler);
    }

    public Router patch(String pattern, Handler handler) {
        return add("PATCH", pattern, handler);
    }

    public Router delete(String pattern, Handler handler) {
        return add("DELETE", pattern, handler);
    }

    public Router add(String method, String pattern, Handler handler) {
        routes.add(new Route(method, split(pattern), handler));
        return this;
    }

    /** What this router serves, as "METHOD /pattern" in registration order (the API document is checked against it). */
    public List<String> routes() {
        return routes.stream().map(r -> r.method + " " + r.pattern()).toList();
    }

    @Override
    public Response handle(Request request) {
        try {
            return dispatch(request);
        } catch (ApiError e) {
            return response(e);
        } catch (Exception e) {
            LOG.error("{} {} failed", request.method(), request.path(), e);
            return error(500, "internal_error", "Something went wrong on our side; the error was logged.");
        }
    }

    private Response dispatch(Request request) throws Exception {
        String[] path = split(request.path());
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = match(route.segments, path);
            if (params == null) {
                continue;
            }
            if (route.method.equals(request.method())
                    || (request.method().equals("HEAD") && route.method.equals("GET"))) {
                return route.handler.handle(request.withPathParams(params));
            }
            allowed.add(route.method);
        }
        if (!allowed.isEmpty()) {
            return error(405, "method_not_allowed", request.method() + " is not allowed here; use "
                    + String.join(" or ", allowed) + ".").header("allow", String.join(", ", allowed));
        }
        throw ApiError.notFound("No API route " + request.method() + " " + request.path() + ";");
    }

    public static Response error(int status, String code, String message) {
        return error(status, code, message, Map.of());
    }

    /** The one error shape: {@code {"error": {"code", "message", "fields"?}}}, {@code fields} only when some field is at fault. */
    public static Response error(int status, String code, String message, Map<String, String> fields) {
        return Response.json(status, ErrorView.of(code, message, fields));
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    /** An error as the answer every route gives: {@code {"error": {"code", "message", "fields"?}}}, with Retry-After when known. */
    public static Response response(ApiError e) {
        Response response = error(e.status(), e.code(), e.getMessage(), e.fields());
        return e.retryAfterSeconds() > 0 ? response.header("retry-after", Long.toString(e.retryAfterSeconds())) : response;
    }
}
