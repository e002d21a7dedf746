package io.miaobu.testkit.memory;

import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Jobs in sending order, at-least-once like the real queues: a received job is hidden until its
 * visibility timeout passes on {@code clock} (a TestClock moves it without sleeping) and comes
 * back with one more delivery unless deleted. A redelivered job keeps its receipt.
 */
public final class InMemoryJobQueue implements JobQueue {
    private final Clock clock;
    private final List<Entry> entries = new ArrayList<>();

    private static final class Entry {
        final BuildJob job;
        final String receipt = UUID.randomUUID().toString();
        Instant visibleAt = Instant.MIN;
        int deliveries;

        Entry(BuildJob job) {
            this.job = job;
        }
    }

    public InMemoryJobQueue(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void send(BuildJob job) {
        entries.add(new Entry(job));
    }

    @Override
    public synchronized Optional<ReceivedJob> receive(Duration visibilityTimeout) {
        Instant now = clock.instant();
        for (Entry e : entries) {
            if (!e.visibleAt.isAfter(now)) {
                e.deliveries++;
                e.visibleAt = now.plus(visibilityTimeout);
                return Optional.of(new ReceivedJob(e.job, e.receipt, e.deliveries));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized void delete(ReceivedJob job) {
        entries.removeIf(e -> e.receipt.equals(job.receipt()));
    }

    /** The jobs not yet deleted, in sending order: what a builder would still find. */
    public synchronized List<BuildJob> pending() {
        return entries.stream().map(e -> e.job).toList();
    }
}
