package io.miaobu.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error that already knows its HTTP status and what the caller should fix. Thrown from any
 * depth; the router renders it as {@code {"error": {"code", "message", "fields"?}}}: {@code fields}
 * names each request field at fault, so a form can show every message under its own field.
 */
public class HttpError extends RuntimeException {
    private final int status;
    private final String code;
    private final long retryAfterSeconds;
    private final Map<String, String> fields;

    public HttpError(int status, String code, String message) {
        this(status, code, message, 0, Map.of());
    }

    private HttpError(int status, String code, String message, long retryAfterSeconds, Map<String, String> fields) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** 400 about one request field: {@code fields} is {@code {field: message}}. */
    public static HttpError invalid(String code, String field, String message) {
        return invalid(code, message, Map.of(field, message));
    }

    /** 400 about several request fields at once, each with what to fix in it (in the map's order). */
    public static HttpError invalid(String code, String message, Map<String, String> fields) {
        return new HttpError(400, code, message, 0, fields);
    }

    /** 429: the caller did this too often; {@code Retry-After} says when trying again can succeed. */
    public static HttpError tooManyRequests(String code, String message, long retryAfterSeconds) {
        return new HttpError(429, code, message, Math.max(1, retryAfterSeconds), Map.of());
    }

    /** 503: the server is too busy right now; the same request can succeed after {@code Retry-After}. */
    public static HttpError busy(String message, long retryAfterSeconds) {
        return new HttpError(503, "busy", message, Math.max(1, retryAfterSeconds), Map.of());
    }

    /** Seconds after which a retry can succeed, 0 when retrying the same request cannot help. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The request fields at fault with what to fix in each; empty when the error is about no one field. */
    public Map<String, String> fields() {
        return fields;
    }

    /** This error as the answer every route gives: {@code {"error": {"code", "message", "fields"?}}}, with Retry-After when known. */
    public Response response() {
        Response response = Router.error(status, code, getMessage(), fields);
        return retryAfterSeconds > 0 ? response.header("retry-after", Long.toString(retryAfterSeconds)) : response;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static HttpError badRequest(String code, String message) {
        return new HttpError(400, code, message);
    }

    public static HttpError unauthorized(String message) {
        return new HttpError(401, "unauthorized", message);
    }

    public static HttpError notFound(String what) {
        return new HttpError(404, "not_found", what + " not found.");
    }

    public static HttpError conflict(String code, String message) {
        return new HttpError(409, code, message);
    }

    public static HttpError unprocessable(String code, String message) {
        return new HttpError(422, code, message);
    }
}
