package io.miaobu.testkit.memory;

import io.miaobu.limits.RateLimitStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/** Fixed-window counters in a map: a hit after the window has passed starts a new one, as the upsert does. */
public final class InMemoryRateLimitStore implements RateLimitStore {
    private record Window(Instant start, int count) {}

    private final Map<String, Window> windows = new HashMap<>();

    @Override
    public synchronized Count hit(String key, Duration window, Instant now) {
        Window current = windows.get(key);
        Window next = current == null || !current.start().isAfter(now.minus(window))
                ? new Window(Micros.of(now), 1)
                : new Window(current.start(), current.count() + 1);
        windows.put(key, next);
        return count(next, window);
    }

    @Override
    public synchronized Count peek(String key, Duration window, Instant now) {
        Window current = windows.get(key);
        return current == null || !current.start().isAfter(now.minus(window)) ? new Count(0, now) : count(current, window);
    }

    @Override
    public synchronized void reset(String key) {
        windows.remove(key);
    }

    // The table reports the window's start in milliseconds.
    private static Count count(Window w, Duration window) {
        return new Count(w.count(), w.start().truncatedTo(ChronoUnit.MILLIS).plus(window));
    }
}
