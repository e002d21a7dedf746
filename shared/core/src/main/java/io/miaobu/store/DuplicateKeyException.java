package io.miaobu.store;

/** A unique constraint refused a write: the caller turns this into a 409 or retries with another key. */
public class DuplicateKeyException extends RuntimeException {
    public DuplicateKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
