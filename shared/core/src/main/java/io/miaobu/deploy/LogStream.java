package io.miaobu.deploy;

import io.miaobu.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Server-sent events for a build log: one {@code line} event per log line (its id is the line
 * number, so a reconnecting browser resumes with Last-Event-ID), then one {@code end} event with
 * the final status. Polls the log store, which works the same whichever process runs the build.
 */
public final class LogStream {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final int BATCH = 500;

    private final BuildLogStore logs;
    private final DeploymentStore deployments;
    private final Duration maxDuration;

    public LogStream(BuildLogStore logs, DeploymentStore deployments, Duration maxDuration) {
        this.logs = logs;
        this.deployments = deployments;
        this.maxDuration = maxDuration;
    }

    public void stream(String deploymentId, long after, OutputStream out) throws IOException {
        long cursor = after;
        long deadline = System.nanoTime() + maxDuration.toNanos();
        long lastWrite = System.nanoTime();
        write(out, "retry: 2000\n\n");
        while (System.nanoTime() < deadline) {
            // Read the status before the lines: a line written after this read is still picked up next round.
            DeploymentStatus status = deployments.findById(deploymentId).map(Deployment::status).orElse(DeploymentStatus.CANCELED);
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
            if (status.isFinal()) {
                write(out, "event: end\ndata: " + Json.writeString(Map.of("status", status)) + "\n\n");
                out.flush();
                return;
            }
            if (System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
                write(out, ": still building\n\n");
                out.flush();
                lastWrite = System.nanoTime();
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
