package io.miaobu.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Miaobu function started the way Function Compute's custom runtime starts it: {@code java -jar
 * miaobu-<name>.jar} with a clean environment, FC's {@code FC_CUSTOM_LISTEN_PORT} set, and requests that carry FC's
 * {@code x-fc-*} headers (the STS credentials among them). It waits until the port accepts connections,
 * measures the cold start (process start to port open, and to the first successful response), and
 * captures stdout and stderr for assertions and failure messages.
 *
 * <pre>{@code
 * try (FunctionProcess api = FunctionProcess.launcher("api").databaseUrl(TestPostgres.migratedDatabase()).start()) {
 *     HttpResponse<String> health = api.send("GET", "/api/v1/health", Map.of(), null);
 * }
 * }</pre>
 */
public final class FunctionProcess implements AutoCloseable {
    /** The STS credentials FC passes on every request; distinctive so tests can check they are never printed. */
    public static final String ACCESS_KEY_ID = "STS.NUgYrLnoTestAccessKeyId7f3a";
    public static final String ACCESS_KEY_SECRET = "FcTestAccessKeySecret-9c41e0b2d7";
    public static final String SECURITY_TOKEN = "CAISFcTestSecurityToken+Zm9vYmFyYmF6/q1w2e3r4t5y6u7i8o9p0";
    public static final String REGION = "cn-hangzhou";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final String name;
    private final Process process;
    private final int port;
    private final long startedNanos;
    private final Output output;
    private final List<Path> scratch;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private volatile Duration portOpenAfter;
    private volatile Duration firstResponseAfter;
    private volatile String firstResponseRequest;

    private FunctionProcess(String name, Process process, int port, long startedNanos, Output output, List<Path> scratch) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
        this.output = output;
        this.scratch = scratch;
    }

    /** A launcher for {@code miaobu-<name>.jar}, found under the module's {@code target} (or a sibling function's). */
    public static Launcher launcher(String name) {
        return new Launcher(name, findJar(name));
    }

    /** A launcher for an explicit jar. */
    public static Launcher launcher(String name, Path jar) {
        return new Launcher(name, jar);
    }

    /** A fresh value for MIAOBU_SECRET_KEY: base64 of 32 random bytes. */
    public static String randomSecretKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Finds {@code miaobu-<name>.jar}: in {@code target/} of the working directory (tests run in the module's
     * directory), in {@code ../<name>/target/} (a sibling function), or under the repository root given by
     * the {@code miaobu.repo.root} system property ({@code functions/<name>/target/}).
     */
    public static Path findJar(String name) {
        String file = "miaobu-" + name + ".jar";
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("target", file));
        candidates.add(Path.of("..", name, "target", file));
        String root = System.getProperty("miaobu.repo.root");
        if (root != null && !root.isBlank()) {
            candidates.add(Path.of(root, "functions", name, "target", file));
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("no " + file + " found (looked at " + candidates.stream()
                .map(p -> p.toAbsolutePath().normalize().toString()).toList()
                + "); run `mvn package` for functions/" + name + " first");
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Process process() {
        return process;
    }

    /** Process start to the port accepting connections (what FC waits for before it forwards the first request). */
    public Duration portOpenAfter() {
        return portOpenAfter;
    }

    /** Process start to the first 2xx answer to a {@link #send} (empty until one arrives). */
    public Optional<Duration> firstResponseAfter() {
        return Optional.ofNullable(firstResponseAfter);
    }

    /** The request ({@code METHOD path}) whose answer was the first successful response. */
    public Optional<String> firstResponseRequest() {
        return Optional.ofNullable(firstResponseRequest);
    }

    /** A one-line summary of the cold-start figures, for test logs. */
    public String coldStartSummary() {
        return "[cold start] " + name + ": port open after " + portOpenAfter.toMillis() + " ms"
                + firstResponseAfter().map(d -> ", first 2xx (" + firstResponseRequest + ") after " + d.toMillis() + " ms")
                        .orElse(", no 2xx response yet");
    }

    /**
     * The function JVM's system properties as they are now, read through the JDK's attach API (what
     * {@code jcmd <pid> VM.system_properties} prints): settings a function makes for itself at start.
     */
    public java.util.Properties systemProperties() {
        try {
            com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(process.pid()));
            try {
                return vm.getSystemProperties();
            } finally {
                vm.detach();
            }
        } catch (com.sun.tools.attach.AttachNotSupportedException | IOException e) {
            throw new IllegalStateException("cannot attach to function " + name + " (pid " + process.pid() + ")", e);
        }
    }

    /** Everything the process wrote so far, stdout and stderr interleaved as read. */
    public String output() {
        return output.all();
    }

    public String stdout() {
        return output.stdout();
    }

    public String stderr() {
        return output.stderr();
    }

    /** Sends a request without a body to the function on 127.0.0.1, with FC's headers. */
    public HttpResponse<String> send(String method, String path, Map<String, String> headers) {
        return sendVia("127.0.0.1", method, path, headers, null);
    }

    /** Sends a request to the function on 127.0.0.1 with FC's headers; {@code body} may be null. */
    public HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) {
        return sendVia("127.0.0.1", method, path, headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> send(String method, String path, Map<String, String> headers, byte[] body) {
        return sendVia("127.0.0.1", method, path, headers, body);
    }

    /** Like {@link #send} but connects to {@code host} (e.g. a non-loopback address of this machine). */
    public HttpResponse<String> sendVia(String host, String method, String path, Map<String, String> headers, byte[] body) {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + hostPart + ":" + port + path))
                .timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        fcHeaders().forEach(request::header);
        headers.forEach(request::setHeader);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (firstResponseAfter == null && response.statusCode() / 100 == 2) {
                synchronized (this) {
                    if (firstResponseAfter == null) {
                        firstResponseRequest = method + " " + path;
                        firstResponseAfter = Duration.ofNanos(System.nanoTime() - startedNanos);
                    }
                }
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " to function " + name + " failed (alive: "
                    + process.isAlive() + "); its output:\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The headers FC adds to every request it forwards to a custom runtime. */
    public Map<String, String> fcHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-fc-request-id", UUID.randomUUID().toString());
        headers.put("x-fc-access-key-id", ACCESS_KEY_ID);
        headers.put("x-fc-access-key-secret", ACCESS_KEY_SECRET);
        headers.put("x-fc-security-token", SECURITY_TOKEN);
        headers.put("x-fc-function-name", "miaobu-" + name);
        headers.put("x-fc-region", REGION);
        return headers;
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s) and removes the directories it was given here. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        output.join();
        deleteAll(scratch);
    }

    @Override
    public String toString() {
        return "FunctionProcess[" + name + " on port " + port + "]";
    }

    /** How a process that exited on its own ended. */
    public record Exit(int code, String output, String stdout, String stderr) {}

    /** Configures and starts one function process. */
    public static final class Launcher {
        private final String name;
        private final Path jar;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private Integer port;

        private Launcher(String name, Path jar) {
            this.name = name;
            this.jar = jar;
            env.put("PATH", Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin"));
            env.put("HOME", Optional.ofNullable(System.getenv("HOME")).orElse(System.getProperty("user.home")));
            env.put("MIAOBU_SECRET_KEY", randomSecretKey());
        }

        public Launcher databaseUrl(String url) {
            return env("MIAOBU_DATABASE_URL", url);
        }

        public Launcher secretKey(String key) {
            return env("MIAOBU_SECRET_KEY", key);
        }

        public Launcher dataDir(Path dir) {
            return env("MIAOBU_DATA_DIR", dir.toAbsolutePath().toString());
        }

        /** Sets an environment variable; null removes it. */
        public Launcher env(String key, String value) {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
            return this;
        }

        public Launcher without(String key) {
            return env(key, null);
        }

        public Launcher port(int fixedPort) {
            this.port = fixedPort;
            return this;
        }

        public Launcher jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Starts the function and waits (up to 30 s) until its port accepts connections. */
        public FunctionProcess start() {
            int chosen = port != null ? port : freePort();
            Started started = launch(chosen);
            FunctionProcess fp = new FunctionProcess(name, started.process, chosen, started.nanos, started.output,
                    started.scratch);
            long deadline = started.nanos + START_TIMEOUT.toNanos();
            while (true) {
                if (!started.process.isAlive()) {
                    started.output.join();
                    deleteAll(started.scratch);
                    throw new AssertionError("function " + name + " exited with code " + started.process.exitValue()
                            + " before listening on port " + chosen + "; its output:\n" + started.output.all());
                }
                if (accepts(chosen)) {
                    fp.portOpenAfter = Duration.ofNanos(System.nanoTime() - started.nanos);
                    return fp;
                }
                if (System.nanoTime() > deadline) {
                    fp.close();
                    throw new AssertionError("function " + name + " did not listen on port " + chosen + " within "
                            + START_TIMEOUT.toSeconds() + " s; its output:\n" + started.output.all());
                }
                sleep(20);
            }
        }

        /** Starts the function and waits for it to exit on its own (fails if it starts listening instead). */
        public Exit runToExit(Duration timeout) {
            int chosen = port != null ? port : freePort();
            Started started = launch(chosen);
            try {
                if (!started.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    boolean listening = accepts(chosen);
                    started.process.destroyForcibly();
                    started.process.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("function " + name + " did not exit within " + timeout.toSeconds() + " s"
                            + (listening ? " (it is listening on port " + chosen + ")" : "") + "; its output:\n"
                            + started.output.all());
                }
            } catch (InterruptedException e) {
                started.process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                started.output.join();
                deleteAll(started.scratch);
            }
            return new Exit(started.process.exitValue(), started.output.all(), started.output.stdout(), started.output.stderr());
        }

        private Started launch(int chosenPort) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-jar");
            command.add(jar.toString());
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().clear();
            builder.environment().putAll(env);
            // FC's own variable for the port it forwards to (functions may not set FC_* variables themselves).
            builder.environment().put("FC_CUSTOM_LISTEN_PORT", String.valueOf(chosenPort));
            List<Path> scratch = new ArrayList<>();
            try {
                if (!env.containsKey("MIAOBU_DATA_DIR")) {
                    Path data = Files.createTempDirectory("miaobu-" + name + "-data-");
                    scratch.add(data);
                    builder.environment().put("MIAOBU_DATA_DIR", data.toString());
                }
                Path cwd = Files.createTempDirectory("miaobu-" + name + "-cwd-");
                scratch.add(cwd);
                builder.directory(cwd.toFile());
                long nanos = System.nanoTime();
                Process process = builder.start();
                process.getOutputStream().close();
                return new Started(process, nanos, new Output(name, process), scratch);
            } catch (IOException e) {
                deleteAll(scratch);
                throw new UncheckedIOException("could not start " + command, e);
            }
        }

        private record Started(Process process, long nanos, Output output, List<Path> scratch) {}
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteAll(List<Path> dirs) {
        for (Path dir : dirs) {
            if (!Files.exists(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) {
                // best effort: a temporary directory left behind is harmless
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Pumps the process's stdout and stderr into buffers as they are written. */
    private static final class Output {
        private final StringBuilder all = new StringBuilder();
        private final StringBuilder stdout = new StringBuilder();
        private final StringBuilder stderr = new StringBuilder();
        private final Thread out;
        private final Thread err;

        Output(String name, Process process) {
            out = pump(name + "-stdout", process.getInputStream(), stdout);
            err = pump(name + "-stderr", process.getErrorStream(), stderr);
        }

        private Thread pump(String threadName, InputStream in, StringBuilder own) {
            Thread t = new Thread(() -> {
                char[] buffer = new char[8192];
                try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    int n;
                    while ((n = reader.read(buffer)) >= 0) {
                        synchronized (this) {
                            own.append(buffer, 0, n);
                            all.append(buffer, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, threadName);
            t.setDaemon(true);
            t.start();
            return t;
        }

        synchronized String all() {
            return all.toString();
        }

        synchronized String stdout() {
            return stdout.toString();
        }

        synchronized String stderr() {
            return stderr.toString();
        }

        void join() {
            try {
                out.join(5_000);
                err.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
