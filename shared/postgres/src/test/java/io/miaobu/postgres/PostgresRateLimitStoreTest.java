package io.miaobu.postgres;

import io.miaobu.limits.RateLimitStore;
import io.miaobu.testkit.RateLimitStoreContract;
import io.miaobu.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The RateLimitStore contract on PostgreSQL. */
class PostgresRateLimitStoreTest extends RateLimitStoreContract {
    static PostgresDatabase db;

    @BeforeAll
    static void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase(), null, null);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected RateLimitStore rateLimits() {
        return db.rateLimits();
    }
}
