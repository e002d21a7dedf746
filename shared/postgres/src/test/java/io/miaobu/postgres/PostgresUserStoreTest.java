package io.miaobu.postgres;

import io.miaobu.auth.UserStore;
import io.miaobu.testkit.UserStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The UserStore contract on PostgreSQL. */
class PostgresUserStoreTest extends UserStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected UserStore users() {
        return database.get().users();
    }
}
