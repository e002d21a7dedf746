package io.miaobu.postgres;

import io.miaobu.errors.ApiError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The schema version this code needs (the highest {@code V<n>__*.sql} it ships) against the one the
 * database has (Flyway's history table): one query, instead of running Flyway at every cold start.
 * A database that is behind is an operator's missing {@code ./miaobu migrate}; one that is ahead is
 * an upgrade in progress (migrations only add), so it is accepted.
 */
public final class SchemaVersion {
    private static final String LOCATION = "db/migration";
    private static final Pattern MIGRATION = Pattern.compile("(?:^|/)V(\\d+)__[^/]*\\.sql$");

    private SchemaVersion() {}

    /** The highest migration version on the classpath. */
    public static int expected() {
        try {
            List<String> names = new ArrayList<>();
            for (URL url : Collections.list(SchemaVersion.class.getClassLoader().getResources(LOCATION))) {
                names.addAll(list(url));
            }
            int max = names.stream().map(MIGRATION::matcher).filter(Matcher::find)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(0);
            if (max == 0) {
                throw new IllegalStateException("no migrations found under classpath:" + LOCATION);
            }
            return max;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list classpath:" + LOCATION, e);
        }
    }

    private static List<String> list(URL url) throws IOException {
        if (url.getProtocol().equals("jar")) {
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                return jar.stream().map(e -> e.getName()).filter(n -> n.startsWith(LOCATION + "/")).toList();
            }
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(p -> LOCATION + "/" + p.getFileName()).toList();
        } catch (URISyntaxException e) {
            throw new IOException("unreadable migration location " + url, e);
        }
    }

    /** The highest successfully applied migration version, or 0 when the database has no Miaobu schema. */
    public static int installed(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            try (ResultSet exists = st.executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return 0;
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL")) {
                int max = 0;
                while (rs.next()) {
                    max = Math.max(max, Integer.parseInt(rs.getString(1).split("\\.")[0]));
                }
                return max;
            }
        }
    }

    /** Fails with a 503 that tells the operator what to run when the database is behind {@code expected}. */
    public static void check(Connection connection, int expected) throws SQLException {
        int installed = installed(connection);
        if (installed < expected) {
            throw new ApiError(503, "schema_outdated", installed == 0
                    ? "The database has no Miaobu schema yet (this code needs version " + expected + "). "
                    + "An operator must run `./miaobu migrate` with MIAOBU_DATABASE_URL set to this database."
                    : "The database schema is at version " + installed + " but this code needs version " + expected
                    + ". An operator must run `./miaobu migrate` with MIAOBU_DATABASE_URL set to this database.");
        }
    }
}
