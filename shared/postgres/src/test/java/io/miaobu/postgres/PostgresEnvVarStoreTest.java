package io.miaobu.postgres;

import io.miaobu.envvars.EnvVarStore;
import io.miaobu.testkit.EnvVarStoreContract;
import io.miaobu.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The EnvVarStore contract on PostgreSQL. */
class PostgresEnvVarStoreTest extends EnvVarStoreContract {
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
    protected EnvVarStore envVars() {
        return db.envVars();
    }

    @Override
    protected String newProjectId() {
        return Fixtures.project(db, Fixtures.user(db).id()).id();
    }
}
