package io.miaobu.functions.oauth;

import io.miaobu.Platform;
import io.miaobu.functions.FunctionAdapters;
import io.miaobu.functions.FunctionRuntime;

/** FC HTTP function: GitHub sign-in (its routes join the shared router with the GitHub integration). Serves the one shared router, so every path answers as in local mode. */
public final class OAuthFunction {
    /** Sign-in reads and writes users and GitHub accounts in PostgreSQL and asks GitHub: no vendor SDK. */
    public static final FunctionAdapters ADAPTERS = FunctionAdapters.none("oauth");

    private OAuthFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main(ADAPTERS, Platform::router);
    }
}
