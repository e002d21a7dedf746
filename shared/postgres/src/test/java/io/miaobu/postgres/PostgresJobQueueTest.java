package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.JobQueue;
import io.miaobu.deploy.JobQueue.ReceivedJob;
import io.miaobu.projects.Project;
import io.miaobu.testkit.JobQueueContract;
import io.miaobu.testkit.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JobQueue contract, plus what the table adds (FIFO order, one receipt per row, rows that go with
 * their deployment). Each test gets its own database: receive takes whatever is visible.
 */
class PostgresJobQueueTest extends JobQueueContract {
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

    @Override
    protected JobQueue queue() {
        return queue;
    }

    @Override
    protected String newDeploymentId() {
        return Fixtures.deployment(db, project.id()).id();
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
    void a_redelivered_job_keeps_its_receipt() throws Exception {
        String id = newDeploymentId();
        queue.send(new BuildJob(id));

        ReceivedJob first = queue.receive(Duration.ofSeconds(2)).orElseThrow();
        assertThat(first.deliveries()).isEqualTo(1);
        assertThat(queue.receive(Duration.ofSeconds(2))).isEmpty();

        ReceivedJob second = awaitJob(Duration.ofSeconds(10));
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
    void a_job_whose_deployment_is_deleted_disappears_from_the_queue() {
        Deployment d = Fixtures.deployment(db, project.id());
        queue.send(new BuildJob(d.id()));
        db.jdbi().useHandle(h -> h.execute("DELETE FROM deployments WHERE id = ?", d.id()));
        assertThat(queue.receive(Duration.ofSeconds(1))).isEmpty();
    }
}
