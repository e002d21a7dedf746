package io.miaobu.build;

import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.LogLine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Numbers a build's output lines and writes them to the log store in small batches (every 200 ms),
 * so a chatty build costs a few inserts a second, and a tailing browser sees lines within a moment.
 * Past the caps (lines, and characters in all), lines are dropped with one notice, so a runaway
 * build cannot fill the database. Closing it marks the log as ended, after its last line is stored:
 * a reader follows the log until then, not merely until the deployment's status is final.
 */
public final class BuildLogWriter implements BuildOutput, AutoCloseable {
    private static final int MAX_LINES = 50_000;
    private static final int MAX_LINE_CHARS = 4_000;
    /** The default total: 10 MiB of text (MIAOBU_MAX_LOG_MB). */
    public static final long DEFAULT_MAX_CHARS = 10L * 1024 * 1024;

    private final String deploymentId;
    private final BuildLogStore store;
    private final Clock clock;
    private final List<LogLine> pending = new ArrayList<>();
    private final ScheduledExecutorService flusher;
    private final Object writeLock = new Object();
    private final long maxChars;
    private long next = 1;
    private long chars;
    private boolean truncated;

    public BuildLogWriter(String deploymentId, BuildLogStore store, Clock clock) {
        this(deploymentId, store, clock, DEFAULT_MAX_CHARS);
    }

    /** @param maxChars characters of output kept in all; later lines are dropped with one notice */
    public BuildLogWriter(String deploymentId, BuildLogStore store, Clock clock, long maxChars) {
        this.maxChars = maxChars;
        this.deploymentId = deploymentId;
        this.store = store;
        this.clock = clock;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "log-" + deploymentId);
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, 200, 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void line(String stream, String text) {
        String clipped = text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) + " …" : text;
        boolean system = "system".equals(stream);
        if (!system && (next > MAX_LINES || chars + clipped.length() > maxChars)) {
            if (!truncated) {
                truncated = true;
                pending.add(new LogLine(next++, clock.instant(), "system", "Log truncated after " + (next - 2)
                        + " lines (" + (chars >> 10) + " KiB; the limits are " + MAX_LINES + " lines and "
                        + (maxChars >> 10) + " KiB); the build goes on."));
            }
            return;
        }
        if (system && next > MAX_LINES + 1_000) {
            return; // Miaobu's own lines stay visible past the cap, within reason
        }
        chars += clipped.length();
        pending.add(new LogLine(next++, clock.instant(), stream, clipped));
    }

    /** Batches are taken and written under one lock, in order: a reader's cursor must never skip a line. */
    public void flush() {
        synchronized (writeLock) {
            List<LogLine> batch;
            synchronized (this) {
                if (pending.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(pending);
                pending.clear();
            }
            store.append(deploymentId, batch);
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        long last;
        synchronized (this) {
            last = next - 1;
        }
        try {
            store.end(deploymentId, last, clock.instant());
        } catch (RuntimeException e) {
            // The live log then ends a few seconds after the deployment's final status instead (LogStream).
            LoggerFactory.getLogger(BuildLogWriter.class).warn("could not mark the log of {} as ended", deploymentId, e);
        }
    }
}
