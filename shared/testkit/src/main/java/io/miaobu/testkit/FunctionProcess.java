package io.miaobu.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
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
 * One Miaobu function started the way Function Compute's custom runtime starts it: {@code java [flags] -jar
 * miaobu-<name>.jar} with a clean environment, FC's {@code FC_CUSTOM_LISTEN_PORT} set, and requests that carry FC's
 * {@code x-fc-*} headers (the STS credentials among them). It waits until the port accepts connections,
 * measures the cold start (process start to port open, and to the first successful response), and
 * captures stdout and stderr for assertions and failure messages.
 *
 * <p>The function ITs use it through {@link Launcher#start()} and {@link #send}; the tools
 * ({@code ./miaobu bench coldstart}, the AppCDS training of {@code ./miaobu fc package}) through
 * {@link Launcher#spawn()} and {@link #firstAnswer}, which times the first answer over a plain socket so the
 * measuring side adds next to nothing, and {@link Launcher#logTo}, so that no thread here reads while it starts.
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
    /** The JVM flags of serverless.yaml's HTTP functions (customRuntimeConfig.args before the AppCDS ones). */
    public static final List<String> FC_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=70");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final String name;
    private final Process process;
    private final int port;
    private final long startedNanos;
    private final Output output;
    private final List<Path> scratch;
    private final Duration stopTimeout;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private volatile Duration portOpenAfter;
    private volatile Duration firstResponseAfter;
    private volatile String firstResponseRequest;

    private FunctionProcess(String name, Process process, int port, long startedNanos, Output output, List<Path> scratch,
                            Duration stopTimeout) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
        this.output = output;
        this.scratch = scratch;
        this.stopTimeout = stopTimeout;
    }

    /** A launcher for {@code miaobu-<name>.jar}, found under the module's {@code target} (or a sibling function's). */
    public static Launcher launcher(String name) {
        return new Launcher(name, findJar(name));
    }

    /** A launcher for an explicit jar. */
    public static Launcher launcher(String name, Path jar) {
        return new Launcher(name, jar);
    }

    /** The {@code java} of the JVM running this (the one an AppCDS archive recorded here fits). */
    public static String currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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

    /**
     * Process start to the port accepting connections (what FC waits for before it forwards the first request);
     * null for a {@link Launcher#spawn() spawned} process, which is timed by {@link #firstAnswer} instead.
     */
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
        return "[cold start] " + name + ": port open after " + (portOpenAfter == null ? "?" : portOpenAfter.toMillis()) + " ms"
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
            answered(method, path, response.statusCode());
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " to function " + name + " failed (alive: "
                    + process.isAlive() + "); its output:\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Duration answered(String method, String path, int status) {
        Duration after = Duration.ofNanos(System.nanoTime() - startedNanos);
        if (firstResponseAfter == null && status / 100 == 2) {
            synchronized (this) {
                if (firstResponseAfter == null) {
                    firstResponseRequest = method + " " + path;
                    firstResponseAfter = after;
                }
            }
        }
        return after;
    }

    /**
     * Sends the request as soon as the port accepts it, retrying every millisecond while it does not, as FC's
     * first request to a cold instance waits; the answer says how long after the process started it came.
     */
    public RawReply firstAnswer(String method, String path, Map<String, String> headers, String body, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return sendRaw(method, path, headers, body);
            } catch (ConnectException e) {
                if (!process.isAlive()) {
                    throw new IOException("function " + name + " exited with " + process.exitValue()
                            + " before answering; its output:\n" + output());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("function " + name + " did not answer on port " + port + " within " + timeout
                            + "; its output:\n" + output());
                }
                Thread.sleep(1);
            }
        }
    }

    /**
     * One request with FC's headers over a plain socket (HTTP/1.1, {@code connection: close}): no HTTP client
     * between the timer and the function. The reply's {@code after} is the time since the process started.
     */
    public RawReply sendRaw(String method, String path, Map<String, String> headers, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("host: 127.0.0.1:").append(port).append("\r\n")
                .append("connection: close\r\n")
                .append("content-length: ").append(content.length).append("\r\n");
        fcHeaders().forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String[] statusLine = response.lines().findFirst().orElse("").split(" ");
            if (statusLine.length < 2) {
                throw new IOException("function " + name + " answered " + method + " " + path + " with no HTTP status line: " + response);
            }
            int status = Integer.parseInt(statusLine[1]);
            int split = response.indexOf("\r\n\r\n");
            return new RawReply(status, split < 0 ? "" : response.substring(split + 4), answered(method, path, status));
        }
    }

    /** What {@link #sendRaw} read: the status, the body, and when it came (since the process started). */
    public record RawReply(int status, String body, Duration after) {}

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

    /**
     * Stops the process as FC stops an instance (SIGTERM; SIGKILL after 10 s, or {@link Launcher#stopWithin}) and
     * removes the directories it was given here.
     */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
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
        private String java = currentJava();
        private Path log;
        private Duration stopTimeout = Duration.ofSeconds(10);
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

        public Launcher jvmOptions(List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        /** The {@code java} to start the jar with (default: this JVM's). */
        public Launcher java(String executable) {
            this.java = executable;
            return this;
        }

        /**
         * Appends the process's stdout and stderr to {@code file} instead of reading them here (nothing in this JVM
         * wakes up while a timed function starts); {@link #output()} and {@link #stdout()} then read what this
         * process added to it, {@link #stderr()} is empty.
         */
        public Launcher logTo(Path file) {
            this.log = file;
            return this;
        }

        /** How long {@link #close()} waits after SIGTERM before SIGKILL (a JVM writing an AppCDS archive at exit needs longer). */
        public Launcher stopWithin(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /** Starts the function and waits (up to 30 s) until its port accepts connections. */
        public FunctionProcess start() {
            int chosen = port != null ? port : freePort();
            Started started = launch(chosen);
            FunctionProcess fp = function(started, chosen);
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

        /** Starts the function and returns at once, for {@link #firstAnswer} to time its first answer. */
        public FunctionProcess spawn() {
            int chosen = port != null ? port : freePort();
            return function(launch(chosen), chosen);
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
            command.add(java);
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
                long logStart = 0;
                if (log != null) {
                    logStart = Files.exists(log) ? Files.size(log) : 0;
                    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                }
                long nanos = System.nanoTime();
                Process process = builder.start();
                process.getOutputStream().close();
                Output output = log == null ? Output.read(name, process) : Output.file(log, logStart);
                return new Started(process, nanos, output, scratch);
            } catch (IOException e) {
                deleteAll(scratch);
                throw new UncheckedIOException("could not start " + command, e);
            }
        }

        private FunctionProcess function(Started started, int chosenPort) {
            return new FunctionProcess(name, started.process, chosenPort, started.nanos, started.output, started.scratch,
                    stopTimeout);
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

    /** What the process wrote: read here as it comes, or left in a log file. */
    private interface Output {
        static Output read(String name, Process process) {
            return new Pumped(name, process);
        }

        static Output file(Path log, long from) {
            return new Logged(log, from);
        }

        String all();

        String stdout();

        String stderr();

        void join();
    }

    /** Stdout and stderr appended to a file by the process itself; this JVM reads it only when asked. */
    private record Logged(Path log, long from) implements Output {
        @Override
        public String all() {
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                file.seek(Math.min(from, file.length()));
                byte[] bytes = new byte[(int) Math.max(0, file.length() - from)];
                file.readFully(bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(could not read " + log + ": " + e.getMessage() + ")";
            }
        }

        @Override
        public String stdout() {
            return all();
        }

        @Override
        public String stderr() {
            return "";
        }

        @Override
        public void join() {}
    }

    /** Pumps the process's stdout and stderr into buffers as they are written. */
    private static final class Pumped implements Output {
        private final StringBuilder all = new StringBuilder();
        private final StringBuilder stdout = new StringBuilder();
        private final StringBuilder stderr = new StringBuilder();
        private final Thread out;
        private final Thread err;

        Pumped(String name, Process process) {
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

        @Override
        public synchronized String all() {
            return all.toString();
        }

        @Override
        public synchronized String stdout() {
            return stdout.toString();
        }

        @Override
        public synchronized String stderr() {
            return stderr.toString();
        }

        @Override
        public void join() {
            try {
                out.join(5_000);
                err.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
