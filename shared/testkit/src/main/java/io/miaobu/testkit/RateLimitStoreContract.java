package io.miaobu.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.limits.RateLimitStore;
import io.miaobu.limits.RateLimitStore.Count;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * What every RateLimitStore does: PostgreSQL's and the in-memory one the core's unit tests use. The
 * times are passed in, so the windows pass without waiting.
 */
public abstract class RateLimitStoreContract {
    private static final Duration WINDOW = Duration.ofMinutes(15);

    protected abstract RateLimitStore rateLimits();

    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void hits_count_up_within_one_window_that_ends_a_window_after_the_first() {
        String key = StoreFixtures.id("login");

        assertThat(rateLimits().hit(key, WINDOW, t0)).isEqualTo(new Count(1, t0.plus(WINDOW)));
        assertThat(rateLimits().hit(key, WINDOW, t0.plusSeconds(60))).isEqualTo(new Count(2, t0.plus(WINDOW)));
        assertThat(rateLimits().peek(key, WINDOW, t0.plusSeconds(61))).isEqualTo(new Count(2, t0.plus(WINDOW)));
        assertThat(rateLimits().peek(key, WINDOW, t0.plusSeconds(62)).count()).isEqualTo(2);
    }

    @Test
    void a_hit_after_the_window_has_passed_starts_a_new_one() {
        String key = StoreFixtures.id("login");
        rateLimits().hit(key, WINDOW, t0);
        rateLimits().hit(key, WINDOW, t0.plusSeconds(1));

        Instant later = t0.plus(WINDOW).plusSeconds(1);
        assertThat(rateLimits().peek(key, WINDOW, later).count()).isZero();
        assertThat(rateLimits().hit(key, WINDOW, later)).isEqualTo(new Count(1, later.plus(WINDOW)));
    }

    @Test
    void a_reset_key_starts_from_zero_and_other_keys_keep_counting() {
        String key = StoreFixtures.id("login");
        String other = StoreFixtures.id("login");
        rateLimits().hit(key, WINDOW, t0);
        rateLimits().hit(other, WINDOW, t0);

        rateLimits().reset(key);
        rateLimits().reset(StoreFixtures.id("never-hit"));

        assertThat(rateLimits().peek(key, WINDOW, t0).count()).isZero();
        assertThat(rateLimits().hit(key, WINDOW, t0.plusSeconds(5)).count()).isEqualTo(1);
        assertThat(rateLimits().peek(other, WINDOW, t0.plusSeconds(5)).count()).isEqualTo(1);
    }
}
