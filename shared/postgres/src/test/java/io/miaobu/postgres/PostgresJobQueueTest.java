package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.JobQueue.ReceivedJob;
import io.miaobu.projects.Project;
import io.miaobu.testkit.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each test gets its own database: the queue is one table and receive takes whatever is visible. */
class PostgresJobQueueTest {
    PostgresDatabase db;
    PostgresJobQueue queue;
    Project project;

    @BeforeEach
    void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase(), null, null);
        queue = db.jobQueue();
        project = Fixtures.project(db, Fixtures.user(db).id());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String newDeploymentId() {
        return Fixtures.deployment(db, project.id()).id();
    }

    @Test
    void a_sent_job_is_received_once_and_gone_after_delete() {
        String id = newDeploymentId();
        queue.send(new BuildJob(id));

        ReceivedJob received = queue.receive(Duration.ofMinutes(5)).orElseThrow();
        assertThat(received.job()).isEqualTo(new BuildJob(id));
        assertThat(received.deliveries()).isEqualTo(1);
        assertThat(received.receipt()).isNotBlank();

        queue.delete(received);
        assertThat(queue.receive(Duration.ofMinutes(5))).isEmpty();
        queue.delete(received); // deleting twice is harmless
    }

    @Test
    void an_empty_queue_receives_nothing() {
        assertThat(queue.receive(Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void jobs_come_out_in_the_order_they_were_sent() {
        List<String> ids = List.of(newDeploymentId(), newDeploymentId(), newDeploymentId());
        ids.forEach(id -> queue.send(new BuildJob(id)));

        List<String> received = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            received.add(queue.receive(Duration.ofMinutes(1)).orElseThrow().job().deploymentId());
        }
        assertThat(received).containsExactlyElementsOf(ids);
    }

    @Test
    void a_received_job_is_invisible_until_the_timeout_then_redelivered_with_deliveries_2() throws Exception {
        String id = newDeploymentId();
        queue.send(new BuildJob(id));

        ReceivedJob first = queue.receive(Duration.ofSeconds(2)).orElseThrow();
        assertThat(first.deliveries()).isEqualTo(1);
        assertThat(queue.receive(Duration.ofSeconds(2))).isEmpty();

        Optional<ReceivedJob> again = Optional.empty();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (again.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            again = queue.receive(Duration.ofMinutes(5));
        }
        ReceivedJob second = again.orElseThrow();
        assertThat(second.job()).isEqualTo(new BuildJob(id));
        assertThat(second.deliveries()).isEqualTo(2);
        assertThat(second.receipt()).isEqualTo(first.receipt());

        queue.delete(second);
        assertThat(queue.receive(Duration.ZERO)).isEmpty();
    }

    @Test
    void a_zero_visibility_timeout_makes_the_job_visible_again_at_once() {
        queue.send(new BuildJob(newDeploymentId()));
        assertThat(queue.receive(Duration.ZERO).orElseThrow().deliveries()).isEqualTo(1);
        assertThat(queue.receive(Duration.ZERO).orElseThrow().deliveries()).isEqualTo(2);
    }

    @Test
    void concurrent_receivers_never_get_the_same_job() throws Exception {
        int jobs = 50;
        int threads = 4;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            String id = newDeploymentId();
            sent.add(id);
            queue.send(new BuildJob(id));
        }

        Map<String, Integer> receivedCount = new ConcurrentHashMap<>();
        List<ReceivedJob> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    go.await();
                    int mine = 0;
                    Optional<ReceivedJob> job;
                    while ((job = queue.receive(Duration.ofMinutes(5))).isPresent()) {
                        all.add(job.get());
                        receivedCount.merge(job.get().job().deploymentId(), 1, Integer::sum);
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

        assertThat(receivedCount).hasSize(jobs);
        assertThat(receivedCount.keySet()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(receivedCount.values()).allMatch(n -> n == 1);
        assertThat(all).allMatch(j -> j.deliveries() == 1);
        Map<String, Long> receipts = new HashMap<>();
        all.forEach(j -> receipts.merge(j.receipt(), 1L, Long::sum));
        assertThat(receipts).hasSize(jobs);
    }

    @Test
    void a_job_whose_deployment_is_deleted_disappears_from_the_queue() {
        Deployment d = Fixtures.deployment(db, project.id());
        queue.send(new BuildJob(d.id()));
        db.jdbi().useHandle(h -> h.execute("DELETE FROM deployments WHERE id = ?", d.id()));
        assertThat(queue.receive(Duration.ofSeconds(1))).isEmpty();
    }
}
