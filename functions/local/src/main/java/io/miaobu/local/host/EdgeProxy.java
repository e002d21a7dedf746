package io.miaobu.local.host;

import io.miaobu.http.Handler;
import io.miaobu.http.Request;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends requests for hosted sites ({@code *.localhost}) to the local edge process, passing the
 * original host in X-Forwarded-Host, and streams its answer back.
 */
final class EdgeProxy implements Handler {
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "transfer-encoding",
            "upgrade", "keep-alive", "expect", "te", "trailer", "proxy-connection", "x-forwarded-host");

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final int edgePort;
    private final Duration timeout;

    /** @param timeout how long the edge may take to answer (functions' time limit and then some) */
    EdgeProxy(int edgePort, Duration timeout) {
        this.edgePort = edgePort;
        this.timeout = timeout;
    }

    @Override
    public Response handle(Request request) throws Exception {
        // The edge answers every method a site or its functions may take; Java's client refuses to send
        // CONNECT at all, so the rest is answered here and no method becomes a 500.
        if (!METHODS.contains(request.method())) {
            return Router.error(405, "method_not_allowed", request.method() + " is not allowed on a site.")
                    .header("allow", String.join(", ", METHODS));
        }
        // The raw target goes through untouched: the edge alone decides what an encoded path means.
        URI target;
        try {
            target = URI.create("http://127.0.0.1:" + edgePort + request.rawTarget());
        } catch (IllegalArgumentException e) {
            return Router.error(400, "invalid_path", "The request path is not a valid URL path.");
        }
        HttpRequest.Builder forward = HttpRequest.newBuilder(target)
                .timeout(timeout)
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()))
                .header("x-forwarded-host", request.header("host").orElse(""));
        request.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.equals(Request.PEER_HEADER)) {
                values.forEach(value -> forward.header(name, value));
            }
        });
        HttpResponse<InputStream> answer;
        try {
            answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.http.HttpTimeoutException e) {
            return Router.error(504, "edge_timeout", "The local edge did not answer in time.");
        } catch (java.io.IOException e) {
            return Router.error(502, "edge_unavailable", "The local edge is not answering; restart ./miaobu dev.");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        answer.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                // Set-Cookie cannot be joined with commas: one line per value (JdkHttpServer sends each).
                headers.put(name.toLowerCase(Locale.ROOT), String.join(name.equalsIgnoreCase("set-cookie") ? "\n" : ", ", values));
            }
        });
        InputStream body = answer.body();
        return new Response(answer.statusCode(), headers, null, out -> {
            try (body) {
                body.transferTo(out);
            }
        });
    }
}
