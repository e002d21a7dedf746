package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.config.MiaobuConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database as a hostile build meets it: it shares the host's network and can find the
 * server's port, but has no password, and even the application's own role cannot read the server's files.
 */
class EmbeddedDatabaseAccessTest {
    @TempDir
    Path data;

    @Test
    void a_build_that_finds_the_database_port_cannot_log_in_and_the_apps_role_cannot_read_files() throws Exception {
        try (LocalHost host = LocalHost.start(embeddedConfig())) {
            new ApiClient(host.port()).signUp("victim@example.com");
            int port = postmasterPort();

            assertRefused(port, "postgres", null);
            assertRefused(port, "postgres", "postgres");
            assertRefused(port, "miaobu", "miaobu");
            // no Unix socket where psql looks by default, or anywhere else
            assertThat(Path.of("/tmp/.s.PGSQL." + port)).doesNotExist();
            assertThat(Files.readString(data.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");

            try (Connection app = connect(port, "miaobu", secret("miaobu"))) {
                assertThat(value(app, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo("f");
                assertThat(value(app, "SELECT count(*) FROM users")).isEqualTo("1");
                assertThatThrownBy(() -> value(app, "SELECT pg_read_file('" + data.resolve("secret.key") + "')"))
                        .hasMessageContaining("permission denied");
                assertThatThrownBy(() -> value(app, "COPY users TO PROGRAM 'true'")).hasMessageContaining("pg_execute_server_program");
            }
            try (Connection superuser = connect(port, "postgres", secret("postgres"))) {
                assertThat(value(superuser, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo("t");
            }
        }
        assertThat(permissions(data.resolve("database-credentials"))).isEqualTo("rwx------");
        assertThat(permissions(data.resolve("database-credentials/postgres"))).isEqualTo("rw-------");
        assertThat(permissions(data.resolve("database-credentials/miaobu"))).isEqualTo("rw-------");
    }

    @Test
    void a_data_directory_from_before_passwords_is_upgraded_in_place_and_keeps_its_rows() throws Exception {
        String projectId;
        // The old way: zonky's defaults (trust, superuser postgres), Miaobu connected as postgres.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder()
                .setDataDirectory(data.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(Files.createDirectories(data.resolve("postgres-runtime")).toFile())
                .start()) {
            MiaobuConfig operatorDatabase = MiaobuConfig.fromEnv(Map.of("MIAOBU_PORT", "0", "MIAOBU_DATA_DIR", data.toString(),
                    "MIAOBU_DATABASE_URL", old.getJdbcUrl("postgres", "postgres")));
            try (LocalHost first = LocalHost.start(operatorDatabase)) {
                ApiClient user = new ApiClient(first.port()).signUp("old@example.com");
                projectId = user.ok("POST", "/api/v1/projects", "{\"name\":\"Old\",\"gitUrl\":\"https://example.com/old.git\"}")
                        .get("id").asText();
            }
        }
        assertThat(Files.readString(data.resolve("postgres/pg_hba.conf"))).contains("trust");

        for (int start = 1; start <= 2; start++) { // the upgrade, then a plain start of the upgraded directory
            try (LocalHost host = LocalHost.start(embeddedConfig())) {
                ApiClient again = new ApiClient(host.port()).logIn("old@example.com");
                assertThat(again.ok("GET", "/api/v1/projects/" + projectId, null).get("name").asText()).isEqualTo("Old");
                again.ok("POST", "/api/v1/projects", "{\"name\":\"New " + start + "\",\"gitUrl\":\"https://example.com/new.git\"}");

                int port = postmasterPort();
                assertRefused(port, "postgres", null);
                assertRefused(port, "postgres", "postgres");
                try (Connection app = connect(port, "miaobu", secret("miaobu"))) {
                    assertThat(value(app, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                            + " AND relowner <> 'miaobu'::regrole")).isEqualTo("0");
                    assertThat(value(app, "SELECT count(*) FROM projects")).isEqualTo(String.valueOf(start + 1));
                    assertThatThrownBy(() -> value(app, "SELECT pg_read_file('postgresql.conf')")).hasMessageContaining("permission denied");
                }
            }
        }
        assertThat(Files.readString(data.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
    }

    private MiaobuConfig embeddedConfig() {
        return MiaobuConfig.fromEnv(Map.of("MIAOBU_PORT", "0", "MIAOBU_DATA_DIR", data.toString()));
    }

    /** What a build can learn: postgres writes its port on the fourth line of postmaster.pid (and shows it in ps). */
    private int postmasterPort() throws Exception {
        return Integer.parseInt(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(3).trim());
    }

    private String secret(String role) throws Exception {
        return Files.readString(data.resolve("database-credentials/" + role)).trim();
    }

    private static void assertRefused(int port, String user, String password) {
        assertThatThrownBy(() -> connect(port, user, password).close())
                .as("login as %s with password %s", user, password)
                .isInstanceOf(SQLException.class);
    }

    private static Connection connect(int port, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
