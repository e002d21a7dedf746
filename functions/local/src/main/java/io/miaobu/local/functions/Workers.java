package io.miaobu.local.functions;

import io.miaobu.build.CommandRunner;
import io.miaobu.dynamic.FunctionManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running workers, one per (deployment, runtime): started by the first request that needs one, stopped
 * when idle, when their deployment is deleted and when the host stops. A worker that exited is replaced by
 * the next request.
 */
final class Workers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** The deployment has no functions here (never deployed, or deleted). */
    static final class NotDeployed extends IOException {
        NotDeployed(String message) {
            super(message);
        }
    }

    private final StoredFunctions stored;
    private final CommandRunner runner;
    private final Path workspaceRoot;
    private final Path runtimesDir;
    private final String path;
    private final FunctionOutput output;
    private final Duration idle;
    private final Map<String, CompletableFuture<Worker>> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;
    private volatile boolean closed;

    Workers(StoredFunctions stored, CommandRunner runner, Path workspaceRoot, Path runtimesDir, String path,
            FunctionOutput output, Duration idle) {
        this.stored = stored;
        this.runner = runner;
        this.workspaceRoot = workspaceRoot;
        this.runtimesDir = runtimesDir;
        this.path = path;
        this.output = output;
        this.idle = idle;
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "function-idle");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(200, Math.min(idle.toMillis() / 4, 30_000));
        reaper.scheduleWithFixedDelay(this::stopIdle, every, every, TimeUnit.MILLISECONDS);
    }

    /** The deployment's worker for {@code runtime}, started when none runs. */
    Worker get(String deploymentId, String runtime) throws IOException {
        String key = deploymentId + "/" + runtime;
        while (true) {
            if (closed) {
                throw new IOException("the local host is stopping");
            }
            CompletableFuture<Worker> mine = new CompletableFuture<>();
            CompletableFuture<Worker> current = running.putIfAbsent(key, mine);
            if (current == null) {
                try {
                    Worker started = Worker.start(spec(deploymentId, runtime), runner, workspaceRoot, output, START_TIMEOUT);
                    mine.complete(started);
                    if (closed) { // close() ran while it started: it could not see this worker
                        running.remove(key, mine);
                        started.stop();
                        throw new IOException("the local host is stopping");
                    }
                    return started;
                } catch (IOException | RuntimeException e) {
                    running.remove(key, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
            Worker worker;
            try {
                worker = current.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (worker.alive()) {
                return worker;
            }
            stop(key, current); // exited (crashed): the next loop starts a new one
        }
    }

    private Worker.Spec spec(String deploymentId, String runtime) throws IOException {
        Path bundle = stored.bundle(deploymentId).orElseThrow(() -> new NotDeployed("deployment " + deploymentId + " has no functions here"));
        FunctionManifest manifest = stored.manifest(deploymentId);
        if (!manifest.runtimes().contains(runtime)) {
            throw new NotDeployed("deployment " + deploymentId + " has no " + runtime + " functions");
        }
        FunctionManifest.App app = manifest.app();
        String startCommand = app != null && app.runtime().equals(runtime) ? app.startCommand() : null;
        Path files = null;
        if (startCommand == null) {
            files = runtimesDir.resolve(runtime);
            if (!Files.isDirectory(files)) {
                throw new IOException("the " + runtime + " runtime is not installed at " + files + " (MIAOBU_FUNCTION_RUNTIMES_DIR)");
            }
        }
        return new Worker.Spec(deploymentId, runtime, bundle, files, startCommand, stored.env(deploymentId), path);
    }

    /** The worker is killed (a request outlived the timeout); the next request starts a new one. */
    void kill(Worker worker) {
        CompletableFuture<Worker> current = running.get(worker.deploymentId + "/" + worker.runtime);
        if (current != null && current.getNow(null) == worker) {
            stop(worker.deploymentId + "/" + worker.runtime, current);
        } else {
            worker.stop();
        }
    }

    /** Every worker of the deployment stops (it is being deleted). */
    void stopDeployment(String deploymentId) {
        for (String key : new ArrayList<>(running.keySet())) {
            if (key.startsWith(deploymentId + "/")) {
                CompletableFuture<Worker> f = running.get(key);
                if (f != null) {
                    stop(key, f);
                }
            }
        }
    }

    /** How many workers run now. */
    int count() {
        return (int) running.values().stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }

    private void stopIdle() {
        try {
            for (Map.Entry<String, CompletableFuture<Worker>> e : running.entrySet()) {
                Worker w = e.getValue().getNow(null);
                if (w != null && (w.idleFor(idle) || !w.alive())) {
                    LOG.info("stopping function worker {} ({})", e.getKey(), w.alive() ? "idle" : "exited");
                    stop(e.getKey(), e.getValue());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("stopping idle function workers failed", e);
        }
    }

    /** Stops the worker, then forgets it: while it stops, a request finds it not alive and waits its turn here. */
    private void stop(String key, CompletableFuture<Worker> f) {
        Worker w = f.getNow(null);
        if (w != null) {
            w.stop();
        }
        running.remove(key, f);
    }

    @Override
    public void close() {
        closed = true;
        reaper.shutdownNow();
        List<Thread> stopping = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<Worker>> e : running.entrySet()) {
            Thread t = new Thread(() -> stop(e.getKey(), e.getValue()), "function-stop");
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
