package io.miaobu.postgres;

import io.miaobu.limits.RateLimitStore;
import io.miaobu.testkit.RateLimitStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The RateLimitStore contract on PostgreSQL. */
class PostgresRateLimitStoreTest extends RateLimitStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected RateLimitStore rateLimits() {
        return database.get().rateLimits();
    }
}
