package io.miaobu.errors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error that already knows its status (an HTTP status code, the API's only transport) and what the
 * caller should fix. Thrown from any depth, services included; the router renders it as {@code {"error": {"code", "message", "fields"?}}}: {@code fields}
 * names each request field at fault, so a form can show every message under its own field.
 */
public class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final long retryAfterSeconds;
    private final Map<String, String> fields;

    public ApiError(int status, String code, String message) {
        this(status, code, message, 0, Map.of());
    }

    private ApiError(int status, String code, String message, long retryAfterSeconds, Map<String, String> fields) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** 400 about one request field: {@code fields} is {@code {field: message}}. */
    public static ApiError invalid(String code, String field, String message) {
        return invalid(code, message, Map.of(field, message));
    }

    /** 400 about several request fields at once, each with what to fix in it (in the map's order). */
    public static ApiError invalid(String code, String message, Map<String, String> fields) {
        return new ApiError(400, code, message, 0, fields);
    }

    /** 429: the caller did this too often; {@code Retry-After} says when trying again can succeed. */
    public static ApiError tooManyRequests(String code, String message, long retryAfterSeconds) {
        return new ApiError(429, code, message, Math.max(1, retryAfterSeconds), Map.of());
    }

    /** 503: the server is too busy right now; the same request can succeed after {@code Retry-After}. */
    public static ApiError busy(String message, long retryAfterSeconds) {
        return new ApiError(503, "busy", message, Math.max(1, retryAfterSeconds), Map.of());
    }

    /** Seconds after which a retry can succeed, 0 when retrying the same request cannot help. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The request fields at fault with what to fix in each; empty when the error is about no one field. */
    public Map<String, String> fields() {
        return fields;
    }


    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiError badRequest(String code, String message) {
        return new ApiError(400, code, message);
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "unauthorized", message);
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, "not_found", what + " not found.");
    }

    public static ApiError conflict(String code, String message) {
        return new ApiError(409, code, message);
    }

    public static ApiError unprocessable(String code, String message) {
        return new ApiError(422, code, message);
    }
}
