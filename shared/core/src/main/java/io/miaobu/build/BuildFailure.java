package io.miaobu.build;

/**
 * A build that cannot succeed for a reason the user can fix. The message is shown to the user as
 * the deployment's error, so it says what went wrong and what to change.
 */
public class BuildFailure extends Exception {
    public BuildFailure(String message) {
        super(message);
    }

    public BuildFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
