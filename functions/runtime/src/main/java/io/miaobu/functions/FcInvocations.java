package io.miaobu.functions;

import io.miaobu.http.Handler;
import org.slf4j.MDC;

/**
 * What FC tells a function with each request, taken before the request is handled: the STS
 * credentials (into {@link InvocationCredentials}) and the request id, which every log line written
 * while the request is handled carries ({@code requestId}, see {@link io.miaobu.functions.logging.JsonLogger}).
 */
final class FcInvocations {
    static final String REQUEST_ID = "requestId";

    private FcInvocations() {}

    static Handler wrap(Handler handler, InvocationCredentials credentials) {
        return request -> {
            credentials.capture(request);
            String requestId = request.header("x-fc-request-id").orElse(null);
            if (requestId == null) {
                return handler.handle(request);
            }
            MDC.put(REQUEST_ID, requestId);
            try {
                return handler.handle(request);
            } finally {
                MDC.remove(REQUEST_ID);
            }
        };
    }
}
