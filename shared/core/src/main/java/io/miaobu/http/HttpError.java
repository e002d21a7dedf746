package io.miaobu.http;

/**
 * An error that already knows its HTTP status and what the caller should fix. Thrown from any
 * depth; the router renders it as {@code {"error": {"code", "message"}}}.
 */
public class HttpError extends RuntimeException {
    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public HttpError(int status, String code, String message) {
        this(status, code, message, 0);
    }

    private HttpError(int status, String code, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429: the caller did this too often; {@code Retry-After} says when trying again can succeed. */
    public static HttpError tooManyRequests(String code, String message, long retryAfterSeconds) {
        return new HttpError(429, code, message, Math.max(1, retryAfterSeconds));
    }

    /** 503: the server is too busy right now; the same request can succeed after {@code Retry-After}. */
    public static HttpError busy(String message, long retryAfterSeconds) {
        return new HttpError(503, "busy", message, Math.max(1, retryAfterSeconds));
    }

    /** Seconds after which a retry can succeed, 0 when retrying the same request cannot help. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** This error as the answer every route gives: {@code {"error": {"code", "message"}}}, with Retry-After when known. */
    public Response response() {
        Response response = Router.error(status, code, getMessage());
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
