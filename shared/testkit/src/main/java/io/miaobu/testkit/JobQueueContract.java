package io.miaobu.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.JobQueue;
import io.miaobu.deploy.JobQueue.ReceivedJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every JobQueue does (DESIGN §4): the PostgreSQL queue of local mode and the MNS queue against a
 * server speaking MNS's protocol. Each test starts with an empty queue.
 */
public abstract class JobQueueContract {
    /** The queue under test, empty. */
    protected abstract JobQueue queue();

    /** The id of a deployment the queue may carry (a real row where the queue needs one). */
    protected abstract String newDeploymentId();

    @Test
    void a_sent_job_is_received_once_and_gone_after_delete() {
        String id = newDeploymentId();
        queue().send(new BuildJob(id));

        ReceivedJob received = queue().receive(Duration.ofMinutes(5)).orElseThrow();
        assertThat(received.job()).isEqualTo(new BuildJob(id));
        assertThat(received.deliveries()).isEqualTo(1);
        assertThat(received.receipt()).isNotBlank();
        assertThat(queue().receive(Duration.ofMinutes(5))).isEmpty();

        queue().delete(received);
        assertThat(queue().receive(Duration.ofMinutes(5))).isEmpty();
        queue().delete(received); // deleting twice is harmless
    }

    @Test
    void an_empty_queue_receives_nothing() {
        assertThat(queue().receive(Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void a_received_job_that_is_not_deleted_comes_back_after_its_visibility_timeout_with_deliveries_2() throws Exception {
        String id = newDeploymentId();
        queue().send(new BuildJob(id));

        // Three seconds hidden: the check that it is hidden must land inside that window on a loaded machine too.
        ReceivedJob first = queue().receive(Duration.ofSeconds(3)).orElseThrow();
        assertThat(first.deliveries()).isEqualTo(1);
        assertThat(queue().receive(Duration.ofSeconds(1))).isEmpty();

        ReceivedJob second = awaitJob(Duration.ofSeconds(10));
        assertThat(second.job()).isEqualTo(new BuildJob(id));
        assertThat(second.deliveries()).isEqualTo(2);

        queue().delete(second);
        letTimePass(Duration.ofMillis(1500));
        assertThat(queue().receive(Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void a_job_received_with_a_long_visibility_timeout_stays_hidden() throws Exception {
        queue().send(new BuildJob(newDeploymentId()));
        queue().receive(Duration.ofMinutes(30)).orElseThrow();
        letTimePass(Duration.ofMillis(1500));
        assertThat(queue().receive(Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void concurrent_receivers_never_get_the_same_job() throws Exception {
        int jobs = 20;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            String id = newDeploymentId();
            sent.add(id);
            queue().send(new BuildJob(id));
        }
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        List<ReceivedJob> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(() -> {
                    go.await();
                    int mine = 0;
                    Optional<ReceivedJob> job;
                    while ((job = queue().receive(Duration.ofMinutes(5))).isPresent()) {
                        all.add(job.get());
                        counts.merge(job.get().job().deploymentId(), 1, Integer::sum);
                        mine++;
                    }
                    return mine;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> w : workers) {
                total += w.get();
            }
            assertThat(total).isEqualTo(jobs);
        } finally {
            pool.shutdownNow();
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(counts.values()).allMatch(n -> n == 1);
        assertThat(all).allMatch(j -> j.deliveries() == 1);
    }

    /**
     * Lets {@code duration} pass on the queue's clock: a real wait for a queue on the real clock, a
     * step of its TestClock for a queue that takes one.
     */
    protected void letTimePass(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    protected ReceivedJob awaitJob(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Optional<ReceivedJob> job = Optional.empty();
        while (job.isEmpty() && System.nanoTime() < deadline) {
            letTimePass(Duration.ofMillis(200));
            job = queue().receive(Duration.ofMinutes(5));
        }
        return job.orElseThrow(() -> new AssertionError("no job became visible within " + within));
    }
}
