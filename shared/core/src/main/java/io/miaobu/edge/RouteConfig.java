package io.miaobu.edge;

import java.util.List;
import java.util.Map;

/**
 * How the edge serves one deployment (DESIGN §5). Null fields mean "use the edge's default":
 * spa is inferred from the absence of a top-level 404.html, notFound is 404.html.
 */
public record RouteConfig(
        Boolean spa,
        Boolean cleanUrls,
        String trailingSlash,
        String notFound,
        List<Map<String, Object>> redirects,
        List<Map<String, Object>> headers) {

    public static final RouteConfig DEFAULTS = new RouteConfig(null, null, null, null, List.of(), List.of());
}
