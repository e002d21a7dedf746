package io.miaobu.postgres;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the Flyway migrations in {@code classpath:db/migration}. Local mode and {@code ./miaobu migrate}
 * run it; the functions never do (Flyway costs about half a second of every cold start, and its jars are
 * not in the function jars): they only check the version ({@link SchemaVersion}).
 */
public final class SchemaMigrations {
    private SchemaMigrations() {}

    /** Applies pending migrations; safe to run concurrently and repeatedly. Returns how many were applied. */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
