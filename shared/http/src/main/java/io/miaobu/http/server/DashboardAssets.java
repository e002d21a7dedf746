package io.miaobu.http.server;

import io.miaobu.build.ContentTypes;
import io.miaobu.http.Handler;
import io.miaobu.http.Request;
import io.miaobu.http.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The platform's own origin: the API paths go to the router, every other GET is the dashboard
 * (frontend/, built into the jar under {@code dashboard/}), with single-page-app fallback to
 * index.html for paths without a file extension so deep links work. Local mode's host serves it, and
 * so does the api function in production (the app domain's {@code /*} route), so the dashboard and the
 * API share one origin and need no CORS.
 */
public final class DashboardAssets implements Handler {
    public static final String RESOURCE_ROOT = "dashboard/";
    private static final List<String> PLATFORM_PREFIXES = List.of("/api/", "/oauth/", "/webhooks/", "/hooks/");
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /**
     * The dashboard holds a session token: only its own scripts and styles run, it talks only to
     * its own origin, and no other page may frame it. Frames are the project page's site preview.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: https://avatars.githubusercontent.com; connect-src 'self'; frame-src http: https:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Handler api;
    private final String missingDashboardPage;
    private final ClassLoader loader;
    private final String root;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    /** @param missingDashboardPage what {@code /} shows when this jar was built without the dashboard */
    public DashboardAssets(Handler api, String missingDashboardPage) {
        this(api, missingDashboardPage, DashboardAssets.class.getClassLoader(), RESOURCE_ROOT);
    }

    /** @param root the resource folder holding index.html and assets/, ending in a slash */
    public DashboardAssets(Handler api, String missingDashboardPage, ClassLoader loader, String root) {
        this.api = api;
        this.missingDashboardPage = missingDashboardPage;
        this.loader = loader;
        this.root = root;
    }

    @Override
    public Response handle(Request request) throws Exception {
        String path = request.path();
        boolean read = request.method().equals("GET") || request.method().equals("HEAD");
        if (!read || isPlatformPath(path)) {
            return api.handle(request);
        }
        Optional<byte[]> index = file("index.html");
        if (index.isEmpty()) {
            return path.equals("/") ? Response.text(200, "text/html; charset=utf-8", missingDashboardPage) : api.handle(request);
        }
        String name = path.substring(1);
        if (hasExtension(name)) {
            Optional<byte[]> asset = safe(name) ? file(name) : Optional.empty();
            if (asset.isEmpty()) {
                return Response.text(404, "text/plain; charset=utf-8", "Not found: " + path);
            }
            return asset(name, asset.get());
        }
        return html(index.get());
    }

    private static boolean isPlatformPath(String path) {
        return path.equals("/api") || PLATFORM_PREFIXES.stream().anyMatch(path::startsWith);
    }

    private static boolean hasExtension(String name) {
        int slash = name.lastIndexOf('/');
        return name.indexOf('.', slash + 1) > slash + 1;
    }

    /** Plain relative names only: nothing may reach outside the dashboard's resources. */
    private static boolean safe(String name) {
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("\\")) {
                return false;
            }
        }
        return true;
    }

    private Response asset(String name, byte[] body) {
        // Vite names everything under assets/ by content hash, so it may be cached for good.
        String cache = name.startsWith("assets/") ? IMMUTABLE : "no-cache";
        return new Response(200, Map.of("content-type", ContentTypes.of(name), "cache-control", cache,
                "x-content-type-options", "nosniff"), body, null);
    }

    private static Response html(byte[] body) {
        return new Response(200, Map.of("content-type", "text/html; charset=utf-8", "cache-control", "no-cache",
                "x-content-type-options", "nosniff", "x-frame-options", "DENY",
                "content-security-policy", CONTENT_SECURITY_POLICY, "referrer-policy", "same-origin"), body, null);
    }

    /** A file of the dashboard; only files that exist are kept, so unknown names cannot grow the cache. */
    private Optional<byte[]> file(String name) {
        byte[] cached = files.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = loader.getResourceAsStream(root + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            files.put(name, body);
            return Optional.of(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
