package io.miaobu.http;

/**
 * An error that already knows its HTTP status and what the caller should fix. Thrown from any
 * depth; the router renders it as {@code {"error": {"code", "message"}}}.
 */
public class HttpError extends RuntimeException {
    private final int status;
    private final String code;

    public HttpError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
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
