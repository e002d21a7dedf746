package io.miaobu.local.host;

import io.miaobu.build.Builder;
import io.miaobu.deploy.JobQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's builders: threads that take jobs from the queue and build them, as the builder
 * function does for MNS in the cloud. A job is deleted only after its build reached a final state.
 * Every build they run has a marker in {@link RunningBuilds} while it runs.
 */
final class BuildWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BuildWorkers.class);
    // Jobs sent by this process wake a worker at once; the poll only catches jobs from elsewhere.
    private static final Duration IDLE_POLL = Duration.ofSeconds(1);

    private final JobQueue queue;
    private final RunningBuilds markers;
    private volatile Builder builder;
    private volatile Path workspaceRoot;
    private final Duration visibility;
    private final List<Thread> threads = new ArrayList<>();
    private final Object signal = new Object();
    private volatile boolean running = true;
    private long wakeups;

    BuildWorkers(JobQueue queue, Duration buildTimeout, int count, RunningBuilds markers) {
        this.queue = queue;
        this.markers = markers;
        // A job must stay invisible for longer than any build can run, or a second worker would take it.
        this.visibility = buildTimeout.plusMinutes(10);
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(this::work, "builder-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
        }
    }

    BuildWorkers start(Builder jobBuilder) {
        this.builder = jobBuilder;
        this.workspaceRoot = jobBuilder.workspaceRoot();
        threads.forEach(Thread::start);
        return this;
    }

    private void work() {
        while (running) {
            try {
                long seen = wakeups();
                Optional<JobQueue.ReceivedJob> job = queue.receive(visibility);
                if (job.isEmpty()) {
                    idle(seen);
                    continue;
                }
                String id = job.get().job().deploymentId();
                LOG.info("building {} (delivery {})", id, job.get().deliveries());
                markers.started(id, workspaceRoot.resolve(id));
                try {
                    LOG.info("{} finished {}", id, builder.build(id));
                } finally {
                    markers.ended(id);
                }
                queue.delete(job.get());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.error("build worker error; retrying", e);
                sleepQuietly(Duration.ofSeconds(2));
            }
        }
    }

    private long wakeups() {
        synchronized (signal) {
            return wakeups;
        }
    }

    /** Waits for a wake-up after {@code seen}, or the poll interval: a wake-up during a receive is not lost. */
    private void idle(long seen) throws InterruptedException {
        synchronized (signal) {
            long deadline = System.nanoTime() + IDLE_POLL.toNanos();
            while (running && wakeups == seen && System.nanoTime() < deadline) {
                signal.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        }
    }

    /** A job was just sent: let an idle worker take it now instead of at its next poll. */
    void wake() {
        synchronized (signal) {
            wakeups++;
            signal.notify();
        }
    }

    /** The queue as the platform uses it, waking a worker after every send. */
    JobQueue wakingOnSend(JobQueue queue) {
        return new JobQueue() {
            @Override
            public void send(io.miaobu.deploy.BuildJob job) {
                queue.send(job);
                wake();
            }

            @Override
            public Optional<ReceivedJob> receive(Duration visibilityTimeout) {
                return queue.receive(visibilityTimeout);
            }

            @Override
            public void delete(ReceivedJob job) {
                queue.delete(job);
            }
        };
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lets every worker finish: idle ones wake and leave, building ones return once their build
     * notices it was ended (within about a second). Only a worker stuck past the grace is interrupted.
     */
    @Override
    public void close() {
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                LOG.warn("{} did not stop in time; interrupting it", t.getName());
                t.interrupt();
            }
        }
    }
}
