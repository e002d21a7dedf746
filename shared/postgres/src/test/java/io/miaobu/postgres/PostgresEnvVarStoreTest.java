package io.miaobu.postgres;

import io.miaobu.envvars.EnvVarStore;
import io.miaobu.testkit.EnvVarStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The EnvVarStore contract on PostgreSQL. */
class PostgresEnvVarStoreTest extends EnvVarStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected EnvVarStore envVars() {
        return database.get().envVars();
    }

    @Override
    protected String newProjectId() {
        return Fixtures.projectId(database.get());
    }
}
