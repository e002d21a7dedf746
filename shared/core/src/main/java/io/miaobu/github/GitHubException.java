package io.miaobu.github;

/**
 * A GitHub call failed. {@code status} is GitHub's HTTP status (0 when GitHub could not be reached);
 * the message is GitHub's own and never contains a token.
 */
public class GitHubException extends RuntimeException {
    private final int status;

    public GitHubException(int status, String message) {
        super(message);
        this.status = status;
    }

    public GitHubException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** GitHub refused the token: revoked, expired, or the OAuth app was uninstalled. */
    public boolean tokenRejected() {
        return status == 401;
    }
}
