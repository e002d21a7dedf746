package io.miaobu.local.host;

import io.miaobu.config.PrivateFiles;
import io.miaobu.postgres.PostgresDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL for local mode when MIAOBU_DATABASE_URL is not set: a real server from the zonky
 * binaries, its data kept under the data directory so projects survive a restart.
 *
 * <p>Builds share the host's network, so the server counts as reachable by them: it has no Unix
 * socket, and every TCP connection needs a password (SCRAM-SHA-256). The superuser's password and the
 * application role's are random, made on first start and kept owner-only in
 * {@code {data}/database-credentials/}. Miaobu connects as {@value #APP_ROLE}, which owns its schema
 * but is no superuser (no {@code pg_read_file}, no {@code COPY ... PROGRAM}). A data directory from
 * before (trust authentication, everything owned by {@code postgres}) is upgraded at its next start.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    static final String APP_ROLE = "miaobu";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String SUPERUSER = "postgres";
    private static final String HBA_HEADER = "# Written by Miaobu at every start: every connection needs a password.";
    private static final String HBA = HBA_HEADER + "\n"
            + "host all all 127.0.0.1/32 scram-sha-256\n"
            + "host all all ::1/128 scram-sha-256\n";

    private final EmbeddedPostgres postgres;
    private final String appPassword;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String appPassword) {
        this.postgres = postgres;
        this.appPassword = appPassword;
    }

    public static EmbeddedDatabase start(Path dataDir) throws IOException {
        Path pgData = Files.createDirectories(dataDir.resolve("postgres"));
        stopOrphanServer(pgData);
        Path credentials = PrivateFiles.directory(dataDir.resolve("database-credentials"));
        Path superuserFile = credentials.resolve(SUPERUSER);
        boolean existing = Files.exists(pgData.resolve("postgresql.conf"));
        // A data directory from before has the trust rules zonky's initdb wrote and a superuser without a password.
        boolean upgrade = existing && !Files.readString(pgData.resolve("pg_hba.conf")).startsWith(HBA_HEADER);
        if (existing && !upgrade && !Files.exists(superuserFile)) {
            throw new IOException(superuserFile + " is missing: the database's superuser password was kept there."
                    + " Restore it, or delete " + dataDir + " to start from scratch.");
        }
        String superuserPassword = PrivateFiles.secret(superuserFile);
        String appPassword = PrivateFiles.secret(credentials.resolve(APP_ROLE));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                // The local host stops the server itself, after everything that uses it has stopped.
                .setRegisterShutdownHook(false)
                // Durable, unlike zonky's test defaults: this database is the user's data.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                // No Unix socket (zonky's binaries would put it in /tmp): every connection comes over TCP.
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("password_encryption", "scram-sha-256")
                // initdb, which zonky runs for a fresh data directory only, gives the superuser its password.
                .setLocaleConfig("pwfile", superuserFile.toString())
                // zonky's readiness check logs in as the superuser over TCP, with these connection properties.
                .setConnectConfig("password", superuserPassword)
                // After initdb, before the server starts. An old data directory keeps its trust rules for this
                // one start, because its superuser has no password yet; they are replaced right after.
                .setDataDirectoryCustomizer(dir -> {
                    if (!upgrade) {
                        writeHba(dir.toPath());
                    }
                })
                .setOverrideWorkingDirectory(Files.createDirectories(dataDir.resolve("postgres-runtime")).toFile())
                .start();
        try {
            secure(postgres, pgData, superuserPassword, appPassword, upgrade);
        } catch (IOException | SQLException | RuntimeException e) {
            postgres.close();
            throw e instanceof IOException io ? io : new IOException("cannot secure the embedded database: " + e.getMessage(), e);
        }
        return new EmbeddedDatabase(postgres, appPassword);
    }

    /** Opens Miaobu's pool on the server as the application role, migrating the schema. */
    public PostgresDatabase connect() {
        return PostgresDatabase.connect(postgres.getJdbcUrl(APP_ROLE, "postgres"), APP_ROLE, appPassword);
    }

    public int port() {
        return postgres.getPort();
    }

    /**
     * At every start (all of it is idempotent): the application role exists, is no superuser, has the
     * password from its file, and owns the database, its schema and every table, view and sequence in it.
     * Upgrading an old data directory also gives the superuser its password, then swaps the trust rules
     * for password rules and waits until the server applies them.
     */
    private static void secure(EmbeddedPostgres postgres, Path pgData, String superuserPassword, String appPassword,
                               boolean upgrade) throws SQLException, IOException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            if (upgrade) {
                LOG.info("upgrading the embedded database to password authentication and the {} role", APP_ROLE);
                pg.alterUserPassword(SUPERUSER, superuserPassword.toCharArray(), "scram-sha-256");
            }
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + APP_ROLE + "') THEN"
                    + " CREATE ROLE " + APP_ROLE + "; END IF; END $$");
            s.execute("ALTER ROLE " + APP_ROLE + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
            pg.alterUserPassword(APP_ROLE, appPassword.toCharArray(), "scram-sha-256");
            s.execute("ALTER DATABASE postgres OWNER TO " + APP_ROLE);
            s.execute("ALTER SCHEMA public OWNER TO " + APP_ROLE);
            // Tables first: their indexes and serial sequences follow them. Then sequences of their own.
            for (String kinds : List.of("'r', 'p', 'v', 'm', 'f'", "'S'")) {
                for (String relation : names(s, "SELECT c.oid::regclass::text FROM pg_class c"
                        + " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN (" + kinds + ")"
                        + " AND c.relowner <> '" + APP_ROLE + "'::regrole")) {
                    s.execute("ALTER TABLE " + relation + " OWNER TO " + APP_ROLE);
                }
            }
            if (upgrade) {
                writeHba(pgData);
                s.execute("SELECT pg_reload_conf()");
            }
        }
        if (upgrade) {
            awaitPasswordsRequired(postgres.getPort());
        }
    }

    private static List<String> names(Statement s, String query) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static void writeHba(Path pgData) {
        try {
            Files.writeString(pgData.resolve("pg_hba.conf"), HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pgData.resolve("pg_hba.conf"), e);
        }
    }

    /** The reload is asynchronous: waits until a login with a wrong password is refused, as it is once the new rules apply. */
    private static void awaitPasswordsRequired(int port) throws IOException {
        Properties wrong = new Properties();
        wrong.setProperty("user", SUPERUSER);
        wrong.setProperty("password", "not-the-password");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", wrong)) {
                sleep(50);
            } catch (SQLException refused) {
                return;
            }
        }
        throw new IOException("the embedded database still accepts logins without a password after its reload");
    }

    /**
     * A server whose Miaobu was killed keeps running, holding the data directory: pg_ctl starts it in a
     * session of its own, so neither {@code kill -9} of the JVM nor of its process group reaches it.
     * It is stopped (fast shutdown, as {@code pg_ctl stop -m fast}) once it is certain to be a postgres
     * serving this data directory that no running Miaobu holds. Stopped rather than reused: zonky always
     * starts a server of its own, and cannot adopt one. zonky's own orphan clean-up is no help either:
     * it only covers the throwaway data directories it makes, and deletes them.
     */
    private static void stopOrphanServer(Path pgData) throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        Optional<ProcessHandle> server = postmaster(pidFile);
        if (server.isEmpty() || !servesDirectory(server.get(), pgData)) {
            // Gone, or its pid now belongs to another process, which postgres would mistake for itself.
            Files.deleteIfExists(pidFile);
            return;
        }
        long pid = server.get().pid();
        if (heldByRunningMiaobu(pgData)) {
            throw new IOException("another Miaobu is running on " + pgData.getParent()
                    + " (its database server is pid " + pid + "); stop it first");
        }
        LOG.warn("stopping the database server (pid {}) left running by a Miaobu that did not stop cleanly", pid);
        long started = System.nanoTime();
        if (!stop(server.get(), "INT", Duration.ofSeconds(15)) && !stop(server.get(), "QUIT", Duration.ofSeconds(5))) {
            throw new IOException("the database server left running on " + pgData + " (pid " + pid + ") does not stop");
        }
        LOG.info("stopped it in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static Optional<ProcessHandle> postmaster(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Its command line is {@code .../postgres -D {pgData} ...}, as pg_ctl started it (the postmaster keeps its title). */
    private static boolean servesDirectory(ProcessHandle process, Path pgData) {
        String[] args = process.info().arguments().orElse(new String[0]);
        boolean postgres = process.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false);
        for (int i = 0; postgres && i + 1 < args.length; i++) {
            if (args[i].equals("-D") && Path.of(args[i + 1]).toAbsolutePath().normalize().equals(pgData.toAbsolutePath().normalize())) {
                return true;
            }
        }
        return false;
    }

    /** zonky locks {@code epg-lock} in the data directory for as long as its process runs. */
    private static boolean heldByRunningMiaobu(Path pgData) throws IOException {
        try (FileChannel channel = FileChannel.open(pgData.resolve("epg-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }

    private static boolean stop(ProcessHandle server, String signal, Duration wait) throws IOException {
        try {
            new ProcessBuilder("kill", "-s", signal, Long.toString(server.pid())).inheritIO().start().waitFor();
            server.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the database server", e);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
