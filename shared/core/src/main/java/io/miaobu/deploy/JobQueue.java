package io.miaobu.deploy;

import java.time.Duration;
import java.util.Optional;

/**
 * Fans build jobs out to builders. Delivery is at-least-once: a received job stays invisible for
 * the visibility timeout and comes back unless deleted, so a builder that dies never loses a build.
 */
public interface JobQueue {
    void send(BuildJob job);

    Optional<ReceivedJob> receive(Duration visibilityTimeout);

    void delete(ReceivedJob job);

    record ReceivedJob(BuildJob job, String receipt, int deliveries) {}
}
