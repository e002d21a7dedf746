package io.miaobu.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the router sees it, independent of the server that received it (the JDK
 * server in every function and in local mode, or a test). Header names are case-insensitive.
 */
public interface Request {
    String method();

    /** The request target as received: path and query, still percent-encoded. */
    String rawTarget();

    /** The decoded path, without the query string. */
    String path();

    Optional<String> header(String name);

    /** Every header with all its values, names case-insensitive (a proxy forwards them as they came). */
    Map<String, List<String>> headers();

    Map<String, List<String>> query();

    byte[] body();

    /** Path parameters captured by the matching route, e.g. {@code {id}}. */
    Map<String, String> pathParams();

    default String pathParam(String name) {
        String value = pathParams().get(name);
        if (value == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return value;
    }

    default Optional<String> queryParam(String name) {
        List<String> values = query().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Host without port, lowercased; X-Forwarded-Host wins when a trusted proxy set it. */
    default String host() {
        String host = header("host").orElse("");
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        return host.toLowerCase(java.util.Locale.ROOT);
    }

    /** The header the HTTP server sets to the connection's peer address, replacing any the client sent. */
    String PEER_HEADER = "x-miaobu-peer";

    /**
     * Who sent the request, for per-client limits: the last X-Forwarded-For entry (the one the platform's own
     * front, FC or a proxy, appended: entries before it are whatever the client claimed), else the connection's
     * peer address; "unknown" when neither is known (a request that did not come through a server).
     */
    default String clientAddress() {
        Optional<String> forwarded = header("x-forwarded-for").map(String::strip).filter(v -> !v.isEmpty());
        if (forwarded.isPresent()) {
            String all = forwarded.get();
            return all.substring(all.lastIndexOf(',') + 1).strip();
        }
        return header(PEER_HEADER).orElse("unknown");
    }

    /** Same request, with the path parameters of the route that matched it. */
    Request withPathParams(Map<String, String> params);
}
