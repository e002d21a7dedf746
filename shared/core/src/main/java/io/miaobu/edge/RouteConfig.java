package io.miaobu.edge;

import io.miaobu.edge.rules.HeaderRule;
import io.miaobu.edge.rules.RedirectRule;
import java.util.List;

/**
 * How the edge serves one deployment (DESIGN §5), compiled from the deployment's rules files by
 * {@link io.miaobu.edge.rules.RulesCompiler}. Null fields mean "use the edge's default": spa is
 * inferred from the absence of a top-level 404.html, cleanUrls is on, trailingSlash is automatic
 * (pages without, directories with a slash), notFound is the nearest 404.html.
 */
public record RouteConfig(
        Boolean spa,
        Boolean cleanUrls,
        Boolean trailingSlash,
        String notFound,
        List<RedirectRule> redirects,
        List<HeaderRule> headers) {

    public static final RouteConfig DEFAULTS = new RouteConfig(null, null, null, null, List.of(), List.of());

    public RouteConfig {
        redirects = redirects == null ? List.of() : List.copyOf(redirects);
        headers = headers == null ? List.of() : List.copyOf(headers);
    }
}
