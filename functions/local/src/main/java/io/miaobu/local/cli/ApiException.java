package io.miaobu.local.cli;

/** The Miaobu API said no, or could not be reached; {@code getMessage()} is what to show the user. */
final class ApiException extends Exception {
    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when the server was not reached. */
    int status() {
        return status;
    }
}
