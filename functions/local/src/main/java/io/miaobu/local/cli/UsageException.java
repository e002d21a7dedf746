package io.miaobu.local.cli;

/** The command line was called wrongly; the message says how to call it. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
