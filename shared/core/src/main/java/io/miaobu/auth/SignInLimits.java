package io.miaobu.auth;

import io.miaobu.config.LimitSettings;
import io.miaobu.limits.Throttle;
import java.time.Duration;

/**
 * Password guessing and mass registration, bounded (docs/api.md "Limits"): sign-in attempts per account, failed
 * sign-ins per client address, and accounts created per client address. Past a limit the answer is 429 with
 * Retry-After, before the password is even hashed.
 */
public final class SignInLimits {
    /** A client address is often shared (an office, a carrier's NAT): it gets this many times an account's limit. */
    static final int CLIENT_FACTOR = 5;
    private static final Duration REGISTRATION_WINDOW = Duration.ofHours(1);

    private final Throttle throttle;
    private final LimitSettings limits;

    public SignInLimits(Throttle throttle, LimitSettings limits) {
        this.throttle = throttle;
        this.limits = limits;
    }

    /** Counts a sign-in attempt for {@code email} from {@code client}; 429 past either limit. */
    void attempt(String email, String client) {
        throttle.check(clientKey(client), limits.loginAttempts() * CLIENT_FACTOR, limits.loginWindow(),
                "Too many failed sign-ins from your address.");
        // Every attempt counts, so parallel guesses cannot all slip in before the first failure is recorded;
        // a successful sign-in clears the count.
        throttle.count(accountKey(email), limits.loginAttempts(), limits.loginWindow(),
                "Too many sign-in attempts for this account; if you forgot your password, wait, then try again.");
    }

    void failed(String client) {
        throttle.record(clientKey(client), limits.loginWindow());
    }

    void succeeded(String email) {
        throttle.reset(accountKey(email));
    }

    void registration(String client) {
        throttle.count("register:client:" + client, limits.registrations(), REGISTRATION_WINDOW,
                "Too many accounts were created from your address.");
    }

    private static String accountKey(String email) {
        return "login:account:" + email;
    }

    private static String clientKey(String client) {
        return "login:client:" + client;
    }
}
