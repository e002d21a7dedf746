package io.miaobu.functions.oauth;

import io.miaobu.testkit.RouterFunctionContract;

/** The packaged oauth function serves the shared router (ApiFunctionIT covers the API itself in depth). */
class OAuthFunctionIT extends RouterFunctionContract {
    @Override
    protected String functionName() {
        return "oauth";
    }
}
