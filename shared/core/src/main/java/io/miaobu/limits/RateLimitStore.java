package io.miaobu.limits;

import java.time.Duration;
import java.time.Instant;

/** Counters in fixed windows, shared by every instance of the platform (a table, not memory). */
public interface RateLimitStore {
    /** A key's count in its current window, and when that window ends. */
    record Count(int count, Instant windowEnds) {}

    /** Counts one event under {@code key}, starting a new window when the last one has passed; atomic. */
    Count hit(String key, Duration window, Instant now);

    /** The count under {@code key} without adding to it (0 when its window has passed). */
    Count peek(String key, Duration window, Instant now);

    /** Forgets {@code key}: its next event starts a new window. */
    void reset(String key);
}
