package io.miaobu.limits;

import io.miaobu.errors.ApiError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Limits on how often one account, client or hook may do something, answering 429 with Retry-After past them. */
public final class Throttle {
    private final RateLimitStore store;
    private final Clock clock;

    public Throttle(RateLimitStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Counts an attempt; the one past {@code limit} within {@code window}, and every later one, is refused. */
    public void count(String key, int limit, Duration window, String what) {
        Instant now = clock.instant();
        RateLimitStore.Count count = store.hit(key, window, now);
        if (count.count() > limit) {
            throw refused(count, now, what);
        }
    }

    /** Refuses when {@code limit} events are already counted within {@code window}; counts nothing. */
    public void check(String key, int limit, Duration window, String what) {
        Instant now = clock.instant();
        RateLimitStore.Count count = store.peek(key, window, now);
        if (count.count() >= limit) {
            throw refused(count, now, what);
        }
    }

    /** Counts an event without refusing anything (a failure that {@link #check} looks at next time). */
    public void record(String key, Duration window) {
        store.hit(key, window, clock.instant());
    }

    public void reset(String key) {
        store.reset(key);
    }

    private static ApiError refused(RateLimitStore.Count count, Instant now, String what) {
        long seconds = Math.max(1, Duration.between(now, count.windowEnds()).toSeconds() + 1);
        return ApiError.tooManyRequests("rate_limited", what + " Try again in " + human(seconds) + ".", seconds);
    }

    private static String human(long seconds) {
        return seconds < 120 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
    }
}
