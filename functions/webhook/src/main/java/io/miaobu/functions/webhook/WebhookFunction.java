package io.miaobu.functions.webhook;

import io.miaobu.Platform;
import io.miaobu.functions.FunctionRuntime;

/** FC HTTP function: webhook and deploy-hook intake (its routes join the shared router with the GitHub integration). Serves the one shared router, so every path answers as in local mode. */
public final class WebhookFunction {
    private WebhookFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main("webhook", Platform::router);
    }
}
