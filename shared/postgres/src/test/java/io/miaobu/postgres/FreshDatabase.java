package io.miaobu.postgres;

import io.miaobu.testkit.TestPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A database of its own for one test class, migrated before its first test and closed after its last:
 * {@code @RegisterExtension static final FreshDatabase db = new FreshDatabase();}, then {@code db.get()}.
 */
final class FreshDatabase implements BeforeAllCallback, AfterAllCallback {
    private PostgresDatabase db;

    PostgresDatabase get() {
        return db;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase(), null, null);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        db.close();
    }
}
