package io.miaobu.aliyun;

/**
 * An Aliyun API answered with an error ({@code {"Code","Message","RequestId"}}), or could not be
 * reached. The message names the action, the service's code and what to do about it.
 */
public class AliyunApiException extends RuntimeException {
    private final String action;
    private final int status;
    private final String code;
    private final String requestId;

    public AliyunApiException(String action, int status, String code, String message, String requestId, Throwable cause) {
        super(message, cause);
        this.action = action;
        this.status = status;
        this.code = code;
        this.requestId = requestId;
    }

    public String action() {
        return action;
    }

    /** HTTP status, or 0 when no answer arrived. */
    public int status() {
        return status;
    }

    /** The service's error code, such as {@code Throttling.User} or {@code InvalidKey.NotFound}. */
    public String code() {
        return code;
    }

    public String requestId() {
        return requestId;
    }

    /** Throttling or a server-side failure: the same call may succeed later. */
    public boolean retryable() {
        return status == 0 || status >= 500 || status == 429 || (code != null && code.startsWith("Throttling"));
    }
}
