package io.miaobu.build.process;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.BuildSandbox;
import io.miaobu.build.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a command through {@code /bin/sh -c} with exactly the given environment, streaming stdout
 * and stderr line by line (UTF-8, invalid bytes replaced, lines over {@value #MAX_LINE_BYTES} bytes
 * split).
 *
 * <p>Where {@code /usr/bin/setsid} works, the command runs in its own session and process group, so
 * on timeout, cancellation <em>and normal exit</em> every process it started is killed, even ones
 * that were re-parented away from it (e.g. {@code (server &)}). Without setsid only the processes
 * still below the command in the process tree are found.
 *
 * <p>On its own this runs commands as Miaobu's own user with no sandbox: tests and tools use it
 * directly; builds go through {@link BuildSandboxes}, which wraps each command in the sandbox and
 * runs it here.
 */
public final class ProcessCommandRunner implements CommandRunner, BuildSandbox {
    /** Lines longer than this many bytes are delivered in pieces. */
    public static final int MAX_LINE_BYTES = 8 * 1024;

    private static final String SHELL = "/bin/sh";
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final long POLL_MILLIS = 250;
    /** How long output may keep arriving after the command has exited or been killed. */
    private static final long DRAIN_MILLIS = 5_000;
    private static final int MAX_COMMAND_IN_MESSAGE = 200;

    private final boolean isolateProcessGroup;
    private volatile List<String> setsidPrefix;

    /** Runs commands as this process's user, in their own process group when {@code /usr/bin/setsid} is usable. */
    public ProcessCommandRunner() {
        this(true);
    }

    /** @param isolateProcessGroup false to never use setsid (processes escaping the tree survive) */
    public ProcessCommandRunner(boolean isolateProcessGroup) {
        this.isolateProcessGroup = isolateProcessGroup;
    }

    /** No sandbox: the build's commands run here, as Miaobu's own user. */
    @Override
    public BuildSandbox open(Path workspace) {
        return this;
    }

    @Override
    public int run(String command, Path workDir, Map<String, String> env, Duration timeout, BuildOutput output,
            BooleanSupplier canceled) throws BuildFailure, BuildCanceled {
        return run(List.of(), command, workDir, env, timeout, output, canceled);
    }

    /**
     * Runs {@code wrapper} + {@code sh -c command}: the wrapper (a sandbox's launcher) receives the
     * environment and the working directory and must exec the shell in the end.
     */
    int run(List<String> wrapper, String command, Path workDir, Map<String, String> env, Duration timeout,
            BuildOutput output, BooleanSupplier canceled) throws BuildFailure, BuildCanceled {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(output, "output");
        BooleanSupplier isCanceled = canceled == null ? () -> false : canceled;
        if (isCanceled.getAsBoolean()) {
            throw new BuildCanceled();
        }
        if (!Files.isDirectory(workDir)) {
            throw new BuildFailure("Could not run `" + shorten(command) + "`: directory " + workDir + " does not exist");
        }

        List<String> argv = new ArrayList<>(setsidPrefix());
        argv.addAll(wrapper);
        argv.add(SHELL);
        argv.add("-c");
        argv.add(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        if (env != null) {
            env.forEach((name, value) -> {
                if (name != null && value != null && !name.isEmpty() && name.indexOf('=') < 0
                        && name.indexOf('\0') < 0 && value.indexOf('\0') < 0) {
                    environment.put(name, value);
                }
            });
        }

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BuildFailure("Could not run `" + shorten(command) + "`: " + e.getMessage(), e);
        }
        boolean grouped = argv.get(0).equals(SETSID.toString());
        Sink sink = new Sink(output);
        Thread stdout = startReader(process.getInputStream(), "stdout", sink, process.pid());
        Thread stderr = startReader(process.getErrorStream(), "stderr", sink, process.pid());
        try {
            process.getOutputStream().close(); // stdin: immediate end of file
        } catch (IOException ignored) {
            // the command may already have exited
        }

        boolean finished = false;
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    killTree(process, grouped);
                    drain(sink, stdout, stderr, process);
                    finished = true;
                    throw new BuildFailure("`" + shorten(command) + "` timed out after " + describe(timeout)
                            + "; raise the build timeout or make the build faster");
                }
                boolean exited;
                try {
                    exited = process.waitFor(Math.min(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS), remaining),
                            TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    killTree(process, grouped);
                    drain(sink, stdout, stderr, process);
                    finished = true;
                    Thread.currentThread().interrupt();
                    throw new BuildCanceled();
                }
                if (exited) {
                    break;
                }
                if (isCanceled.getAsBoolean()) {
                    killTree(process, grouped);
                    drain(sink, stdout, stderr, process);
                    finished = true;
                    throw new BuildCanceled();
                }
            }
            // The command is done; whatever it left running in the background goes too, or its
            // inherited stdout/stderr would keep the pipes (and this build) open.
            killTree(process, grouped);
            drain(sink, stdout, stderr, process);
            finished = true;
            sink.rethrowSinkFailure();
            return process.exitValue();
        } finally {
            if (!finished) {
                killTree(process, grouped);
                sink.close();
            }
        }
    }

    private static Thread startReader(InputStream in, String stream, Sink sink, long pid) {
        Thread t = new Thread(() -> {
            LineReader reader = new LineReader(MAX_LINE_BYTES, text -> sink.line(stream, text));
            try (in) {
                reader.readAll(in);
            } catch (IOException e) {
                // stream closed after the process was killed: nothing more to read
            }
        }, "miaobu-" + stream + "-" + pid);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for both readers to reach end of file, then stops delivering lines. */
    private static void drain(Sink sink, Thread stdout, Thread stderr, Process process) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        boolean interrupted = false;
        for (Thread t : List.of(stdout, stderr)) {
            while (t.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        sink.close();
        if (stdout.isAlive() || stderr.isAlive()) {
            // A process outside our reach still holds the pipe; stop reading it.
            closeQuietly(process.getInputStream());
            closeQuietly(process.getErrorStream());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the command's process group (if it has one), every descendant, then the command. */
    private void killTree(Process process, boolean grouped) {
        List<ProcessHandle> descendants;
        try {
            descendants = process.descendants().toList();
        } catch (RuntimeException e) {
            descendants = List.of();
        }
        if (grouped) {
            killProcessGroup(process.pid());
        }
        for (int pass = 0; pass < 3 && !descendants.isEmpty(); pass++) {
            descendants.forEach(ProcessHandle::destroyForcibly);
            try {
                descendants = process.isAlive() ? process.descendants().toList() : List.of();
            } catch (RuntimeException e) {
                descendants = List.of();
            }
        }
        // Through the handle: Process.destroyForcibly() would also close our ends of the pipes and
        // lose output still buffered in them.
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
        }
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL to the whole group, atomically (so nothing can fork its way out meanwhile). */
    private static void killProcessGroup(long pgid) {
        try {
            Process kill = new ProcessBuilder(SHELL, "-c", "kill -s KILL -- -" + pgid + " 2>/dev/null")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.getOutputStream().close();
            if (!kill.waitFor(2, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            // fall back to killing the descendants one by one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code setsid -w} (util-linux) or {@code setsid} (busybox) when it runs a command in the
     * foreground and passes its exit code through; else nothing. Probed once.
     */
    private List<String> setsidPrefix() {
        List<String> prefix = setsidPrefix;
        if (prefix == null) {
            prefix = List.of();
            if (isolateProcessGroup && Files.isExecutable(SETSID)) {
                for (List<String> candidate : List.of(List.of(SETSID.toString(), "-w"), List.of(SETSID.toString()))) {
                    if (probe(candidate)) {
                        prefix = candidate;
                        break;
                    }
                }
            }
            setsidPrefix = prefix;
        }
        return prefix;
    }

    private static boolean probe(List<String> prefix) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of(SHELL, "-c", "sleep 0.1; exit 7"));
        try {
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            Process p = builder.start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 7;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String describe(Duration timeout) {
        long seconds = timeout.toSeconds();
        if (seconds >= 60 && seconds % 60 == 0) {
            long minutes = seconds / 60;
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        if (seconds == 0) {
            return timeout.toMillis() + " ms";
        }
        return seconds + (seconds == 1 ? " second" : " seconds");
    }

    private static String shorten(String command) {
        String oneLine = command.strip();
        return oneLine.length() <= MAX_COMMAND_IN_MESSAGE ? oneLine : oneLine.substring(0, MAX_COMMAND_IN_MESSAGE) + "…";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Serializes the two readers' calls to the output and drops lines once the run is over. */
    private static final class Sink {
        private final BuildOutput output;
        private boolean closed;
        private RuntimeException failure;

        Sink(BuildOutput output) {
            this.output = output;
        }

        synchronized void line(String stream, String text) {
            if (closed || failure != null) {
                return; // keep reading so the command never blocks on a full pipe
            }
            try {
                output.line(stream, text);
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        synchronized void close() {
            closed = true;
        }

        synchronized void rethrowSinkFailure() {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
