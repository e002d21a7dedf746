package io.miaobu.postgres;

import io.miaobu.auth.UserStore;
import io.miaobu.testkit.TestPostgres;
import io.miaobu.testkit.UserStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The UserStore contract on PostgreSQL. */
class PostgresUserStoreTest extends UserStoreContract {
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
    protected UserStore users() {
        return db.users();
    }
}
