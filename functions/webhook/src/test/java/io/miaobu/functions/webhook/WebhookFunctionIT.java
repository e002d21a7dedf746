package io.miaobu.functions.webhook;

import io.miaobu.testkit.RouterFunctionContract;

/** The packaged webhook function serves the shared router (ApiFunctionIT covers the API itself in depth). */
class WebhookFunctionIT extends RouterFunctionContract {
    @Override
    protected String functionName() {
        return "webhook";
    }
}
