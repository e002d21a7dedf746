package io.miaobu.local.host;

import io.miaobu.build.Builder;
import io.miaobu.deploy.JobQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's builders: threads that take jobs from the queue and build them, as the builder
 * function does for MNS in the cloud. A job is deleted only after its build reached a final state.
 */
final class BuildWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BuildWorkers.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(300);

    private final JobQueue queue;
    private final Builder builder;
    private final Duration visibility;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    BuildWorkers(JobQueue queue, Builder builder, Duration buildTimeout, int count) {
        this.queue = queue;
        this.builder = builder;
        // A job must stay invisible for longer than any build can run, or a second worker would take it.
        this.visibility = buildTimeout.plusMinutes(10);
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(this::work, "builder-" + (i + 1));
            t.setDaemon(true);
            threads.add(t);
        }
    }

    BuildWorkers start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void work() {
        while (running) {
            try {
                Optional<JobQueue.ReceivedJob> job = queue.receive(visibility);
                if (job.isEmpty()) {
                    Thread.sleep(IDLE_POLL.toMillis());
                    continue;
                }
                String id = job.get().job().deploymentId();
                LOG.info("building {} (delivery {})", id, job.get().deliveries());
                LOG.info("{} finished {}", id, builder.build(id));
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

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
    }
}
