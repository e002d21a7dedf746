package io.miaobu.local.functions;

import io.miaobu.dynamic.FunctionLogStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what workers print to the function log in batches, a few times a second, so a chatty function costs
 * one insert per batch and never waits for the database. Past {@link #MAX_PENDING} unwritten lines (the
 * database is away) further lines are counted and the log says how many were dropped.
 */
public final class FunctionLogWriter implements FunctionOutput, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionLogWriter.class);
    static final int MAX_PENDING = 10_000;
    private static final int MAX_LINE = 8_192;

    private final FunctionLogStore store;
    private final Clock clock;
    private final ScheduledExecutorService flusher;
    private Map<String, List<FunctionLogStore.Line>> pending = new LinkedHashMap<>();
    private int pendingCount;
    private final Map<String, Integer> dropped = new LinkedHashMap<>();

    public FunctionLogWriter(FunctionLogStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "function-log");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, 200, 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void line(String deploymentId, String stream, String text) {
        if (pendingCount >= MAX_PENDING) {
            dropped.merge(deploymentId, 1, Integer::sum);
            return;
        }
        String kept = text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + " […]" : text;
        pending.computeIfAbsent(deploymentId, k -> new ArrayList<>()).add(new FunctionLogStore.Line(clock.instant(), stream, kept));
        pendingCount++;
    }

    /** Writes what is pending now. */
    public void flush() {
        Map<String, List<FunctionLogStore.Line>> batch;
        Map<String, Integer> lost;
        synchronized (this) {
            batch = pending;
            lost = new LinkedHashMap<>(dropped);
            pending = new LinkedHashMap<>();
            pendingCount = 0;
            dropped.clear();
        }
        lost.forEach((deploymentId, n) -> batch.computeIfAbsent(deploymentId, k -> new ArrayList<>()).add(new FunctionLogStore.Line(
                clock.instant(), "system", n + " lines of output were dropped: the function printed faster than its log is written.")));
        batch.forEach((deploymentId, lines) -> {
            try {
                store.append(deploymentId, lines);
            } catch (RuntimeException e) {
                // A deleted deployment's lines have nowhere to go; anything else is logged here instead.
                LOG.warn("could not write {} function log lines of {}: {}", lines.size(), deploymentId, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        flush();
    }
}
