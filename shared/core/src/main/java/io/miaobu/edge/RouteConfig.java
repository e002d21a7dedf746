package io.miaobu.edge;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.miaobu.edge.rules.HeaderRule;
import io.miaobu.edge.rules.RedirectRule;
import java.util.List;

/**
 * How the edge serves one deployment (DESIGN §5), compiled from the deployment's rules files by
 * {@link io.miaobu.edge.rules.RulesCompiler}. Null fields mean "use the edge's default": spa is
 * inferred from the absence of a top-level 404.html, cleanUrls is on, trailingSlash is automatic
 * (pages without, directories with a slash), notFound is the nearest 404.html.
 *
 * <p>{@code functions} and {@code app} say which paths the edge proxies to the deployment's functions
 * (null for a static site, and then absent from the JSON the edge reads).
 */
public record RouteConfig(
        Boolean spa,
        Boolean cleanUrls,
        Boolean trailingSlash,
        String notFound,
        List<RedirectRule> redirects,
        List<HeaderRule> headers,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<FunctionRoute> functions,
        @JsonInclude(JsonInclude.Include.NON_NULL) AppRoute app) {

    public static final RouteConfig DEFAULTS = new RouteConfig(null, null, null, null, List.of(), List.of());

    /** One function's route ({@code /api/users/[id]}), the function's name in its bundle and its runtime. */
    public record FunctionRoute(String route, String name, String runtime) {}

    /** A web app answering every path but its static folders' ({@code static/}), which storage serves. */
    public record AppRoute(String runtime, List<String> staticDirs) {
        public AppRoute {
            staticDirs = staticDirs == null ? List.of() : List.copyOf(staticDirs);
        }
    }

    public RouteConfig {
        redirects = redirects == null ? List.of() : List.copyOf(redirects);
        headers = headers == null ? List.of() : List.copyOf(headers);
        functions = functions == null || functions.isEmpty() ? null : List.copyOf(functions);
    }

    /** A static site's config. */
    public RouteConfig(Boolean spa, Boolean cleanUrls, Boolean trailingSlash, String notFound,
                       List<RedirectRule> redirects, List<HeaderRule> headers) {
        this(spa, cleanUrls, trailingSlash, notFound, redirects, headers, null, null);
    }

    /** This config with the deployment's functions and app (null for none). */
    public RouteConfig withFunctions(List<FunctionRoute> routes, AppRoute appRoute) {
        return new RouteConfig(spa, cleanUrls, trailingSlash, notFound, redirects, headers, routes, appRoute);
    }

    /** How many functions the deployment has, its app counting as one. */
    @JsonIgnore
    public int functionCount() {
        return (functions == null ? 0 : functions.size()) + (app == null ? 0 : 1);
    }
}
