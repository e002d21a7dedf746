package io.miaobu.functions.api;

import io.miaobu.Platform;
import io.miaobu.functions.FunctionRuntime;

/** FC HTTP function: the dashboard REST API. Serves the one shared router, so every path answers as in local mode. */
public final class ApiFunction {
    private ApiFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main("api", Platform::router);
    }
}
