package io.miaobu.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.postgres.SchemaVersion;
import io.miaobu.testkit.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrateTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int migrate(Map<String, String> env) {
        return Migrate.run(new String[0], env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void migrate_brings_an_empty_database_to_the_version_the_functions_check_for() {
        String url = TestPostgres.freshDatabase();
        assertThat(migrate(Map.of("MIAOBU_DATABASE_URL", url))).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("is at schema version " + SchemaVersion.expected());
        // A function's database (no migration, version checked at the first query) now works.
        try (PostgresDatabase function = PostgresDatabase.open(url)) {
            assertThat(function.users().findByEmail("nobody@example.com")).isEmpty();
        }
        // Running it again is harmless.
        assertThat(migrate(Map.of("MIAOBU_DATABASE_URL", url))).isZero();
    }

    @Test
    void migrate_without_a_database_url_says_which_variable_to_set() {
        assertThat(migrate(Map.of())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("MIAOBU_DATABASE_URL is not set");
    }

    @Test
    void a_failed_migration_never_prints_the_password() {
        String password = "Secret-" + System.nanoTime();
        assertThat(migrate(Map.of("MIAOBU_DATABASE_URL", "postgres://miaobu:" + password + "@127.0.0.1:1/miaobu"))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("failed").doesNotContain(password);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(password);
    }
}
