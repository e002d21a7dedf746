package io.miaobu.postgres;

import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.JobQueue;
import java.time.Duration;
import java.util.Optional;

/**
 * The build queue as a table. {@link #receive} claims one visible row with
 * {@code FOR UPDATE SKIP LOCKED} and hides it for the visibility timeout in the same statement, so
 * concurrent builders never claim the same delivery; a job not deleted in time comes back with
 * deliveries incremented. The receipt is the row id.
 */
public final class PostgresJobQueue implements JobQueue {
    private final JobDao dao;

    public PostgresJobQueue(JobDao dao) {
        this.dao = dao;
    }

    @Override
    public void send(BuildJob job) {
        dao.send(job.deploymentId());
    }

    @Override
    public Optional<ReceivedJob> receive(Duration visibilityTimeout) {
        if (visibilityTimeout == null || visibilityTimeout.isNegative()) {
            throw new IllegalArgumentException("visibility timeout must be zero or positive: " + visibilityTimeout);
        }
        double seconds = visibilityTimeout.toNanos() / 1_000_000_000.0;
        return dao.receive(seconds)
                .map(c -> new ReceivedJob(new BuildJob(c.deploymentId()), Long.toString(c.id()), c.deliveries()));
    }

    /** Deleting a job that is already gone (or a receipt from someone else's delete) is a no-op. */
    @Override
    public void delete(ReceivedJob job) {
        long id;
        try {
            id = Long.parseLong(job.receipt());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a PostgresJobQueue receipt: " + job.receipt(), e);
        }
        dao.delete(id);
    }
}
