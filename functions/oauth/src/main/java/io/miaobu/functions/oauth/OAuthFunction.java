package io.miaobu.functions.oauth;

import io.miaobu.Platform;
import io.miaobu.functions.FunctionRuntime;

/** FC HTTP function: GitHub sign-in (its routes join the shared router with the GitHub integration). Serves the one shared router, so every path answers as in local mode. */
public final class OAuthFunction {
    private OAuthFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main("oauth", Platform::router);
    }
}
