package io.miaobu.postgres;

import io.miaobu.limits.RateLimitStore;
import java.time.Duration;
import java.time.Instant;

/** Rate-limit counters in PostgreSQL: every function instance counts against the same rows. */
public final class PostgresRateLimitStore implements RateLimitStore {
    private final RateLimitDao dao;

    public PostgresRateLimitStore(RateLimitDao dao) {
        this.dao = dao;
    }

    @Override
    public Count hit(String key, Duration window, Instant now) {
        // Every window is an hour at most, so a day-old row counts nothing; about one hit in a thousand deletes
        // those, which keeps the table small without a job of its own.
        if (java.util.concurrent.ThreadLocalRandom.current().nextInt(SWEEP_ONE_IN) == 0) {
            sweep(now.minus(Duration.ofDays(1)));
        }
        return parse(dao.hit(key, now, now.minus(window)), window);
    }

    private static final int SWEEP_ONE_IN = 1000;

    @Override
    public Count peek(String key, Duration window, Instant now) {
        return dao.peek(key, now.minus(window)).map(row -> parse(row, window)).orElse(new Count(0, now));
    }

    @Override
    public void reset(String key) {
        dao.reset(key);
    }

    /** Deletes counters whose window started before {@code before}: they count nothing any more. */
    public int sweep(Instant before) {
        return dao.sweep(before);
    }

    private static Count parse(String row, Duration window) {
        int space = row.indexOf(' ');
        Instant start = Instant.ofEpochMilli(Long.parseLong(row.substring(space + 1)));
        return new Count(Integer.parseInt(row.substring(0, space)), start.plus(window));
    }
}
