package io.miaobu.functions.api;

import io.miaobu.functions.FunctionRuntime;
import io.miaobu.http.server.DashboardAssets;

/**
 * FC HTTP function: the dashboard REST API, and the dashboard itself (the app domain's {@code /*}
 * route comes here). Serves the one shared router, so every path answers as in local mode.
 */
public final class ApiFunction {
    /** Shown at {@code /} by a jar packaged without frontend/dist (the release builds it first). */
    private static final String NO_DASHBOARD = "<!doctype html><title>Miaobu</title><p>This api function was packaged without "
            + "the dashboard: run <code>./miaobu fc package</code>, which builds frontend/dist first, and deploy again.</p>";

    private ApiFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main("api", platform -> new DashboardAssets(platform.router(), NO_DASHBOARD));
    }
}
