package io.miaobu.local.host;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PostgreSQL for local mode when MIAOBU_DATABASE_URL is not set: a real server from the zonky
 * binaries, its data kept under the data directory so projects survive a restart.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir) throws IOException {
        Path pgData = Files.createDirectories(dataDir.resolve("postgres"));
        // A server killed without a clean stop leaves its pid file behind and refuses to start again.
        Path pid = pgData.resolve("postmaster.pid");
        if (Files.exists(pid) && !postmasterAlive(pid)) {
            Files.delete(pid);
        }
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                // The local host stops the server itself, after everything that uses it has stopped.
                .setRegisterShutdownHook(false)
                // Durable, unlike zonky's test defaults: this database is the user's data.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setOverrideWorkingDirectory(Files.createDirectories(dataDir.resolve("postgres-runtime")).toFile())
                .start();
        return new EmbeddedDatabase(postgres);
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    private static boolean postmasterAlive(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
