package io.miaobu.testkit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Real PostgreSQL for tests: one server per JVM, started lazily, and a brand-new empty database for each
 * caller of {@link #freshDatabase()}, so test classes never see each other's rows.
 *
 * <p>Where the server comes from, in order:
 * <ol>
 *   <li>{@code MIAOBU_TEST_DATABASE_URL} (environment variable, or system property
 *       {@code miaobu.test.database.url}): a {@code jdbc:postgresql://} URL of a server whose user may
 *       {@code CREATE DATABASE}; fresh databases are created there (and dropped at JVM exit).</li>
 *   <li>Otherwise zonky's embedded PostgreSQL ({@code EmbeddedPostgres.builder().start()}).</li>
 *   <li>PostgreSQL refuses to run as root, which is how CI and the dev machines run. As root, the same
 *       zonky-bundled binaries are unpacked and the server is run as the unprivileged user
 *       {@code nobody} (via {@code setpriv}) on a random loopback port, with fsync off.</li>
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
            return isRoot() ? UnprivilegedServer.start() : new ZonkyServer(EmbeddedPostgres.builder()
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

    private static boolean isRoot() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.trim().split("\\s+");
                    return f.length > 2 && f[2].equals("0"); // effective uid
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "root".equals(System.getProperty("user.name"));
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

    /**
     * The zonky binaries run as {@code nobody}: initdb and postgres both refuse to run as root.
     * Binaries are unpacked once per machine under java.io.tmpdir; each JVM gets its own data directory.
     */
    private static final class UnprivilegedServer extends Server {
        private static final String UNPRIVILEGED_UID = "65534";
        private static final Duration STARTUP = Duration.ofSeconds(60);

        private final Process process;
        private final Path home;
        private final int port;

        private UnprivilegedServer(Process process, Path home, int port) {
            this.process = process;
            this.home = home;
            this.port = port;
        }

        static UnprivilegedServer start() throws IOException {
            Path bin = binaries().resolve("bin");
            Path home = Files.createTempDirectory("miaobu-test-pg-");
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path data = Files.createDirectory(home.resolve("data"));
            Path log = home.resolve("postgres.log");
            run(List.of("chown", UNPRIVILEGED_UID + ":" + UNPRIVILEGED_UID, data.toString()), home, log);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));

            run(asNobody(bin.resolve("initdb").toString(), "-A", "trust", "-U", USER, "-D", data.toString(),
                    "-E", "UTF-8", "--no-locale", "--no-sync"), home, log);

            int port = freePort();
            ProcessBuilder pb = new ProcessBuilder(asNobody(bin.resolve("postgres").toString(),
                    "-D", data.toString(), "-p", Integer.toString(port),
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories=",
                    "-c", "fsync=off",
                    "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off",
                    "-c", "max_connections=300",
                    "-c", "shared_buffers=64MB"))
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("LC_ALL", "C");
            Process process = pb.start();
            UnprivilegedServer server = new UnprivilegedServer(process, home, port);
            try {
                server.awaitReady(log);
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        }

        @Override
        String adminUrl() {
            return urlFor("postgres");
        }

        @Override
        String urlFor(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
        }

        private void awaitReady(Path log) {
            long deadline = System.nanoTime() + STARTUP.toNanos();
            SQLException last = null;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("PostgreSQL exited with " + process.exitValue() + ":\n" + tail(log));
                }
                try (Connection ignored = DriverManager.getConnection(adminUrl())) {
                    return;
                } catch (SQLException e) {
                    last = e;
                }
                sleep(100);
            }
            throw new IllegalStateException("PostgreSQL did not accept connections within " + STARTUP + ":\n"
                    + tail(log), last);
        }

        @Override
        void close() {
            if (process.isAlive()) {
                try {
                    // SIGINT = fast shutdown: disconnect clients, no checkpoint wait worth speaking of.
                    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start()
                            .waitFor(5, TimeUnit.SECONDS);
                    if (!process.waitFor(15, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (IOException e) {
                    process.destroyForcibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
            deleteTree(home);
        }

        private static List<String> asNobody(String... command) {
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + UNPRIVILEGED_UID,
                    "--regid=" + UNPRIVILEGED_UID, "--clear-groups", "--"));
            cmd.addAll(List.of(command));
            return cmd;
        }

        private static void run(List<String> command, Path dir, Path log) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            try {
                if (!p.waitFor(2, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", command) + "\n" + tail(log));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("failed (" + p.exitValue() + "): " + String.join(" ", command)
                        + "\n" + tail(log));
            }
        }

        /** Unpacks zonky's bundled PostgreSQL once (per arch and archive size) and returns its directory. */
        private static Path binaries() throws IOException {
            String arch = System.getProperty("os.arch", "");
            arch = switch (arch) {
                case "amd64", "x86_64" -> "x86_64";
                case "aarch64", "arm64" -> "arm_64";
                default -> arch;
            };
            Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
            Path unpacking = Files.createTempDirectory(tmp, "miaobu-pg-unpack-");
            try {
                Path archive = unpacking.resolve("postgres.txz");
                try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch);
                     OutputStream out = Files.newOutputStream(archive)) {
                    in.transferTo(out);
                }
                // The size tells the bundled versions apart; the directory only ever appears complete
                // (an atomic rename of a fully unpacked tree), so its presence means it is usable.
                Path target = tmp.resolve("miaobu-pg-bin-" + arch + "-" + Files.size(archive));
                if (Files.isExecutable(target.resolve("bin").resolve("postgres"))) {
                    return target;
                }
                Path tree = Files.createDirectory(unpacking.resolve("pg"));
                untarXz(archive, tree);
                Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxr-xr-x"));
                try {
                    Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // another JVM won the race; its copy is complete
                }
                return target;
            } finally {
                deleteTree(unpacking);
            }
        }

        /** Regular files, directories and symlinks, readable (and, where executable, runnable) by everyone. */
        private static void untarXz(Path archive, Path root) throws IOException {
            try (InputStream file = Files.newInputStream(archive);
                 TarArchiveInputStream tar = new TarArchiveInputStream(
                         new XZInputStream(new BufferedInputStream(file)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path dest = root.resolve(entry.getName()).normalize();
                    if (!dest.startsWith(root)) {
                        throw new IOException("archive entry escapes its directory: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(dest);
                        Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rwxr-xr-x"));
                        continue;
                    }
                    Files.createDirectories(dest.getParent());
                    if (entry.isSymbolicLink()) {
                        Files.createSymbolicLink(dest, Paths.get(entry.getLinkName()));
                    } else if (entry.isLink()) {
                        Files.createLink(dest, root.resolve(entry.getLinkName()).normalize());
                    } else if (entry.isFile()) {
                        Files.copy(tar, dest, StandardCopyOption.REPLACE_EXISTING);
                        boolean executable = (entry.getMode() & 0100) != 0;
                        Files.setPosixFilePermissions(dest,
                                PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
            }
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
