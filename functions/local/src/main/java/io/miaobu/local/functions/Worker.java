package io.miaobu.local.functions;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildSandbox;
import io.miaobu.build.CommandRunner;
import io.miaobu.build.FileTrees;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runtime of one deployment, running: a runtime server (or the app's own start command) in a sandbox
 * of its own, as a build runs — its own uid, a clean environment, the platform's folders out of sight —
 * listening on a loopback port that answers only requests carrying its token.
 */
final class Worker {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final Pattern LISTENING = Pattern.compile("^miaobu-runtime listening on (\\d+)\\s*$");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Never reached: a worker runs until it is stopped (idle, timeout, delete, shutdown) or exits. */
    private static final Duration FOREVER = Duration.ofDays(3650);

    /**
     * How to start one worker.
     *
     * @param runtimeFiles the runtime's folder (server.mjs / server.py), copied into the worker; null with a start command
     * @param startCommand the app's own command (run in its folder with PORT), or null for the runtime server
     * @param variables the deployment's variables for its target
     */
    record Spec(String deploymentId, String runtime, Path bundle, Path runtimeFiles, String startCommand,
                Map<String, String> variables, String path) {}

    final String deploymentId;
    final String runtime;
    final String token;
    private final Path workspace;
    private final BuildSandbox sandbox;
    private final int port;
    private final CompletableFuture<Integer> listening = new CompletableFuture<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastUsed = System.nanoTime();
    private volatile boolean stopping;
    private volatile boolean exited;
    private boolean stopped;
    private volatile Thread thread;

    private Worker(Spec spec, Path workspace, BuildSandbox sandbox, int port, String token) {
        this.deploymentId = spec.deploymentId();
        this.runtime = spec.runtime();
        this.workspace = workspace;
        this.sandbox = sandbox;
        this.port = port;
        this.token = token;
    }

    /** Starts the worker and returns once it listens; a worker that exits or stays silent for {@code startTimeout} is stopped. */
    static Worker start(Spec spec, CommandRunner runner, Path workspaceRoot, FunctionOutput output, Duration startTimeout)
            throws IOException {
        // Each start its own folder: a worker being stopped removes its files while the next one starts.
        Path workspace = workspaceRoot.resolve("fn-" + spec.deploymentId() + "-" + spec.runtime() + "-"
                + HexFormat.of().formatHex(randomBytes()).substring(0, 8));
        Files.createDirectories(workspace);
        BuildSandbox sandbox;
        try {
            sandbox = runner.open(workspace);
        } catch (IOException | RuntimeException e) {
            FileTrees.delete(workspace);
            throw e;
        }
        Worker worker;
        try {
            FileTrees.copy(spec.bundle(), workspace.resolve("bundle"), false);
            if (spec.runtimeFiles() != null) {
                FileTrees.copy(spec.runtimeFiles(), workspace.resolve("runtime"), false);
            }
            Files.createDirectories(workspace.resolve("home"));
            sandbox.prepare(workspace);
            worker = new Worker(spec, workspace, sandbox, freePort(), HexFormat.of().formatHex(randomBytes()));
        } catch (IOException | RuntimeException e) {
            sandbox.close();
            FileTrees.delete(workspace);
            throw e;
        }
        worker.run(spec, output);
        try {
            worker.awaitListening(spec.startCommand() != null, startTimeout);
        } catch (IOException e) {
            worker.stop();
            throw e;
        }
        return worker;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private void run(Spec spec, FunctionOutput output) {
        // The runtime contract's environment (runtimes/README): the deployment's variables, then the basics,
        // which a variable of the same name does not override.
        Map<String, String> env = new LinkedHashMap<>(spec.variables());
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.put("NODE_ENV", "production");
        env.put("TZ", "UTC");
        env.put("LANG", "C.UTF-8");
        env.put("PATH", spec.path());
        env.put("HOME", workspace.resolve("home").toString());
        env.put("MIAOBU_EDGE_TOKEN", token);
        String command;
        Path workDir;
        if (spec.startCommand() != null) {
            env.put("PYTHONPATH", workspace.resolve("bundle/python/packages") + ":" + workspace.resolve("bundle/python/app"));
            command = spec.startCommand();
            workDir = workspace.resolve("bundle/python/app");
        } else {
            String program = spec.runtime().equals("node") ? "node" : "python3";
            String server = spec.runtime().equals("node") ? "server.mjs" : "server.py";
            command = "exec " + program + " " + quote(workspace.resolve("runtime").resolve(server)) + " " + quote(workspace.resolve("bundle"));
            workDir = workspace;
        }
        thread = new Thread(() -> {
            String ended;
            try {
                int exit = sandbox.run(command, workDir, env, FOREVER, (stream, text) -> {
                    Matcher m = LISTENING.matcher(text);
                    if (!listening.isDone() && stream.equals("stdout") && m.matches()) {
                        listening.complete(Integer.parseInt(m.group(1)));
                        return;
                    }
                    output.line(deploymentId, stream, text);
                }, () -> stopping);
                ended = "exited with code " + exit;
            } catch (BuildCanceled e) {
                ended = "stopped";
            } catch (BuildFailure e) {
                ended = "failed: " + e.getMessage();
            } catch (RuntimeException e) {
                LOG.error("function worker {}/{} failed", deploymentId, runtime, e);
                ended = "failed: " + e;
            }
            exited = true;
            listening.completeExceptionally(new IOException("the " + runtime + " worker " + ended + " before it listened"));
            if (!stopping) {
                output.line(deploymentId, "system", "The " + runtime + " worker " + ended + "; the next request starts a new one.");
            }
        }, "function-" + deploymentId + "-" + runtime);
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitListening(boolean ownCommand, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (ownCommand) {
            // The app's own server says nothing we know: it is ready when its port accepts a connection.
            while (System.nanoTime() < deadline && !exited) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                    return;
                } catch (IOException notYet) {
                    sleep(50);
                }
            }
        } else {
            try {
                int announced = listening.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (announced != port) {
                    throw new IOException("the " + runtime + " runtime listened on " + announced + ", not on PORT " + port);
                }
                return;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (TimeoutException e) {
                // below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the worker started");
            }
        }
        throw new IOException(exited ? "the " + runtime + " worker exited before it listened"
                : "the " + runtime + " worker did not listen within " + timeout.toSeconds() + " s");
    }

    int port() {
        return port;
    }

    boolean alive() {
        return !exited && !stopping;
    }

    /** Whether the worker's process has ended, or ends within {@code wait}. */
    boolean exitsWithin(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!exited && System.nanoTime() < deadline) {
            sleep(20);
        }
        return exited;
    }

    void begin() {
        inFlight.incrementAndGet();
        lastUsed = System.nanoTime();
    }

    void end() {
        lastUsed = System.nanoTime();
        inFlight.decrementAndGet();
    }

    boolean idleFor(Duration idle) {
        return inFlight.get() == 0 && System.nanoTime() - lastUsed > idle.toNanos();
    }

    /** Ends every process of the worker, gives its uid back and removes its files. Idempotent; a second caller waits for the first. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopping = true;
        if (thread != null) {
            try {
                thread.join(5_000); // the run sees `stopping` within 250 ms and kills the process tree
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sandbox.close();
        FileTrees.delete(workspace);
        stopped = true;
    }

    private static String quote(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
