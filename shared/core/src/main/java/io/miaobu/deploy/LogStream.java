package io.miaobu.deploy;

import io.miaobu.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Server-sent events for a build log (or a deployment's function log, which never ends while the deployment is READY): one {@code line} event per log line (its id is the line
 * number, so a reconnecting browser resumes with Last-Event-ID), then one {@code end} event with
 * the final status. Polls the log store, which works the same whichever process runs the build.
 *
 * <p>A deployment's status becomes final before its last lines are written ("Deployment ready",
 * "Promoted to production.", "Build cache saved"), so {@code end} waits for the log's writer to
 * say it has written its last line. A writer that died without saying so (a killed builder) is
 * given {@link #WRITER_GRACE} after the status became final.
 */
public final class LogStream {
    public static final Duration WRITER_GRACE = Duration.ofSeconds(5);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final int BATCH = 500;

    private final LogSource logs;
    private final DeploymentStore deployments;
    private final Duration maxDuration;
    private final Duration poll;
    private final Clock clock;
    private final boolean whileServed;

    public LogStream(LogSource logs, DeploymentStore deployments, Duration maxDuration, Clock clock) {
        this(logs, deployments, maxDuration, Duration.ofMillis(250), clock);
    }

    public LogStream(LogSource logs, DeploymentStore deployments, Duration maxDuration, Duration poll, Clock clock) {
        this(logs, deployments, maxDuration, poll, clock, false);
    }

    private LogStream(LogSource logs, DeploymentStore deployments, Duration maxDuration, Duration poll, Clock clock,
                      boolean whileServed) {
        this.whileServed = whileServed;
        this.logs = logs;
        this.deployments = deployments;
        this.maxDuration = maxDuration;
        this.poll = poll;
        this.clock = clock;
    }

    /** A function log: it goes on for as long as the deployment is served (READY), and ends with it. */
    public static LogStream whileServed(LogSource logs, DeploymentStore deployments, Duration maxDuration, Clock clock) {
        return new LogStream(logs, deployments, maxDuration, Duration.ofMillis(250), clock, true);
    }

    public void stream(String deploymentId, long after, OutputStream out) throws IOException {
        long cursor = after;
        long deadline = System.nanoTime() + maxDuration.toNanos();
        long lastWrite = System.nanoTime();
        write(out, "retry: 2000\n\n");
        while (System.nanoTime() < deadline) {
            // Read the state before the lines: a line written after this read is still picked up next round.
            Optional<Deployment> deployment = deployments.findById(deploymentId);
            OptionalLong lastLine = logs.lastLine(deploymentId);
            List<LogLine> lines = logs.after(deploymentId, cursor, BATCH);
            for (LogLine line : lines) {
                write(out, "id: " + line.n() + "\nevent: line\ndata: " + Json.writeString(line) + "\n\n");
                cursor = line.n();
            }
            if (!lines.isEmpty()) {
                out.flush();
                lastWrite = System.nanoTime();
            }
            if (lines.size() == BATCH) {
                continue;
            }
            if (ended(deployment, lastLine, cursor)) {
                DeploymentStatus status = deployment.map(Deployment::status).orElse(DeploymentStatus.CANCELED);
                write(out, "event: end\ndata: " + Json.writeString(Map.of("status", status)) + "\n\n");
                out.flush();
                return;
            }
            if (System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
                write(out, whileServed ? ": still serving\n\n" : ": still building\n\n");
                out.flush();
                lastWrite = System.nanoTime();
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Final, and every line its writer wrote has been sent (or no writer is coming back to write more).
     * Read {@code found} and {@code lastLine} before the lines up to {@code cursor}, as {@link #stream} does.
     */
    boolean ended(Optional<Deployment> found, OptionalLong lastLine, long cursor) {
        if (found.isEmpty()) {
            return true; // deleted with its log
        }
        Deployment d = found.get();
        if (whileServed) {
            return d.status().isFinal() && d.status() != DeploymentStatus.READY;
        }
        if (!d.status().isFinal()) {
            return false;
        }
        if (lastLine.isPresent()) {
            return cursor >= lastLine.getAsLong();
        }
        if (d.startedAt() == null && d.status() == DeploymentStatus.CANCELED) {
            return true; // canceled while queued: no writer ever ran
        }
        Instant finished = d.finishedAt() != null ? d.finishedAt() : d.startedAt() != null ? d.startedAt() : d.createdAt();
        return clock.instant().isAfter(finished.plus(WRITER_GRACE));
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
