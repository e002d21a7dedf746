package io.miaobu.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real PostgreSQL for tests: one server per JVM, started lazily, and a brand-new empty database for each
 * caller of {@link #freshDatabase()}, so test classes never see each other's rows.
 *
 * <p>Where the server comes from, in order:
 * <ol>
 *   <li>{@code MIAOBU_TEST_DATABASE_URL} (environment variable, or system property
 *       {@code miaobu.test.database.url}): a {@code jdbc:postgresql://} URL of a server whose user may
 *       {@code CREATE DATABASE}; fresh databases are created there (and dropped at JVM exit).</li>
 *   <li>Otherwise zonky's embedded PostgreSQL, tuned for throwaway data (no fsync).</li>
 * </ol>
 * The server is stopped, and its files removed, by a shutdown hook.
 */
public final class TestPostgres {
    /** The superuser of the embedded server; it has no password. */
    public static final String USER = "postgres";

    private static final String ENV = "MIAOBU_TEST_DATABASE_URL";
    private static final String PROPERTY = "miaobu.test.database.url";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static Server server;

    private TestPostgres() {}

    /**
     * Creates an empty database and returns its JDBC URL, credentials included (for the embedded server:
     * {@code jdbc:postgresql://localhost:PORT/NAME?user=postgres}). Pass it to
     * {@code PostgresDatabase.connect(url, null, null)} or {@code DriverManager.getConnection(url)}.
     */
    public static synchronized String freshDatabase() {
        Server s = server();
        String name = "miaobu_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet() + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(s.adminUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + " on " + redact(s.adminUrl()), e);
        }
        s.created(name);
        return s.urlFor(name);
    }

    /**
     * {@link #freshDatabase()} with Miaobu's schema applied (the migrations on the classpath), as an
     * operator's {@code ./miaobu migrate} leaves it: what a function, which never migrates, expects.
     */
    public static String migratedDatabase() {
        String url = freshDatabase();
        org.flywaydb.core.Flyway.configure(TestPostgres.class.getClassLoader())
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
        return url;
    }

    /** The URL of the server's maintenance database ({@code postgres}), for tests that manage databases themselves. */
    public static synchronized String adminUrl() {
        return server().adminUrl();
    }

    private static Server server() {
        if (server == null) {
            Server s = start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "test-postgres-shutdown"));
            server = s;
        }
        return server;
    }

    private static Server start() {
        String external = System.getenv(ENV);
        if (external == null || external.isBlank()) {
            external = System.getProperty(PROPERTY);
        }
        if (external != null && !external.isBlank()) {
            return new ExternalServer(external.trim());
        }
        try {
            return new ZonkyServer(EmbeddedPostgres.builder()
                    .setRegisterShutdownHook(false)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "300")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1****");
    }

    /** One PostgreSQL server that fresh databases are created on. */
    private abstract static class Server {
        private final List<String> created = new ArrayList<>();

        abstract String adminUrl();

        abstract String urlFor(String database);

        synchronized void created(String database) {
            created.add(database);
        }

        synchronized List<String> createdDatabases() {
            return List.copyOf(created);
        }

        abstract void close();
    }

    private static final class ZonkyServer extends Server {
        private final EmbeddedPostgres pg;

        ZonkyServer(EmbeddedPostgres pg) {
            this.pg = pg;
        }

        @Override
        String adminUrl() {
            return pg.getJdbcUrl(USER, "postgres");
        }

        @Override
        String urlFor(String database) {
            return pg.getJdbcUrl(USER, database);
        }

        @Override
        void close() {
            try {
                pg.close();
            } catch (IOException ignored) {
                // the JVM is exiting
            }
        }
    }

    /** A server someone else runs: only the databases made here are dropped at exit. */
    private static final class ExternalServer extends Server {
        private final String url;
        private final String prefix;
        private final String query;

        ExternalServer(String url) {
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException(ENV + " must be a jdbc:postgresql:// URL, got " + redact(url));
            }
            this.url = url;
            int q = url.indexOf('?');
            String base = q < 0 ? url : url.substring(0, q);
            this.query = q < 0 ? "" : url.substring(q);
            int slash = base.indexOf('/', "jdbc:postgresql://".length());
            this.prefix = slash < 0 ? base : base.substring(0, slash);
        }

        @Override
        String adminUrl() {
            return url;
        }

        @Override
        String urlFor(String database) {
            return prefix + "/" + database + query;
        }

        @Override
        void close() {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                for (String db : createdDatabases()) {
                    try {
                        st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                    } catch (SQLException ignored) {
                        // best effort
                    }
                }
            } catch (SQLException ignored) {
                // best effort
            }
        }
    }
}
