package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.testkit.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationTest {

    @Test
    void migrations_apply_on_an_empty_database_and_a_second_connect_is_a_no_op() throws Exception {
        String url = TestPostgres.freshDatabase();
        List<String> applied;
        try (PostgresDatabase db = PostgresDatabase.connect(url, null, null)) {
            List<String> tables = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
                    .mapTo(String.class).list());
            assertThat(tables).contains("users", "projects", "deployments", "deployment_logs", "build_jobs",
                    "github_accounts", "project_repositories", "github_deliveries", "deploy_hooks", "project_env_vars",
                    "blobs", "deployment_files");
            applied = versions(db);
        }
        // Every migration file applied once, in order.
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            assertThat(applied).startsWith("1").doesNotHaveDuplicates().hasSize((int) files.count());
        }
        try (PostgresDatabase db = PostgresDatabase.connect(url, null, null)) {
            // The second connect applied nothing new.
            assertThat(versions(db)).isEqualTo(applied);
        }
    }

    private static List<String> versions(PostgresDatabase db) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank").mapTo(String.class).list());
    }

    @Test
    void every_fresh_database_starts_empty() {
        String first = TestPostgres.freshDatabase();
        String second = TestPostgres.freshDatabase();
        assertThat(first).isNotEqualTo(second);
        try (PostgresDatabase a = PostgresDatabase.connect(first, null, null);
             PostgresDatabase b = PostgresDatabase.connect(second, null, null)) {
            Fixtures.user(a);
            int users = b.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM users").mapTo(Integer.class).one());
            assertThat(users).isZero();
        }
    }

    @Test
    void from_data_source_migrates_and_leaves_the_pool_to_its_owner() throws Exception {
        String url = TestPostgres.freshDatabase();
        var pg = new org.postgresql.ds.PGSimpleDataSource();
        pg.setURL(url);
        PostgresDatabase db = PostgresDatabase.fromDataSource(pg);
        var user = Fixtures.user(db);
        db.close();
        assertThat(db.users().findById(user.id())).contains(user);
    }
}
