package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.errors.ApiError;
import io.miaobu.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SchemaVersionTest {

    @Test
    void the_expected_version_is_the_newest_migration_file() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            int newest = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            assertThat(SchemaVersion.expected()).isEqualTo(newest);
        }
    }

    @Test
    void a_function_database_on_an_unmigrated_schema_refuses_queries_and_names_the_command_to_run() {
        try (PostgresDatabase db = PostgresDatabase.open(TestPostgres.freshDatabase())) {
            assertThatThrownBy(() -> db.users().findByEmail("dev@example.com"))
                    .isInstanceOfSatisfying(ApiError.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.code()).isEqualTo("schema_outdated");
                        assertThat(e.getMessage()).contains("./miaobu migrate");
                    });
        }
    }

    @Test
    void a_schema_one_version_behind_is_named_with_both_versions() throws Exception {
        String url = TestPostgres.migratedDatabase();
        int expected = SchemaVersion.expected();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DELETE FROM flyway_schema_history WHERE version = '" + expected + "'");
        }
        try (PostgresDatabase db = PostgresDatabase.open(url)) {
            assertThatThrownBy(() -> db.users().findByEmail("dev@example.com"))
                    .hasMessageContaining("version " + (expected - 1)).hasMessageContaining("needs version " + expected);
        }
    }

    @Test
    void a_function_database_connects_at_its_first_query_and_works_on_a_migrated_schema() throws Exception {
        String url = TestPostgres.migratedDatabase();
        awaitNoConnections(url); // the migration's own connection ends asynchronously on the server
        try (PostgresDatabase db = PostgresDatabase.open(url)) {
            assertThat(openConnections(url)).isZero(); // nothing at start: the pool opens on demand
            var user = Fixtures.user(db);
            assertThat(db.users().findById(user.id())).contains(user);
            assertThat(openConnections(url)).isPositive();
        }
    }

    private static void awaitNoConnections(String url) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (openConnections(url) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static int openConnections(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
