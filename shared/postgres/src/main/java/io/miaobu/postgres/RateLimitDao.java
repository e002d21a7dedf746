package io.miaobu.postgres;

import java.time.Instant;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for the rate-limit counters: one row per key, a fixed window each. */
public interface RateLimitDao {
    // One statement, so two instances counting the same key at once both count (the row lock orders them).
    @SqlQuery("INSERT INTO rate_limits (key, window_start, count) VALUES (:key, :now, 1)"
            + " ON CONFLICT (key) DO UPDATE SET"
            + " count = CASE WHEN rate_limits.window_start <= :cutoff THEN 1"
            + " ELSE rate_limits.count + 1 END,"
            + " window_start = CASE WHEN rate_limits.window_start <= :cutoff THEN :now"
            + " ELSE rate_limits.window_start END"
            + " RETURNING count || ' ' || floor(extract(epoch FROM window_start) * 1000)::bigint")
    String hit(@Bind("key") String key, @Bind("now") Instant now, @Bind("cutoff") Instant cutoff);

    @SqlQuery("SELECT count || ' ' || floor(extract(epoch FROM window_start) * 1000)::bigint FROM rate_limits"
            + " WHERE key = :key AND window_start > :cutoff")
    java.util.Optional<String> peek(@Bind("key") String key, @Bind("cutoff") Instant cutoff);

    @SqlUpdate("DELETE FROM rate_limits WHERE key = :key")
    void reset(@Bind("key") String key);

    @SqlUpdate("DELETE FROM rate_limits WHERE window_start < :before")
    int sweep(@Bind("before") Instant before);
}
