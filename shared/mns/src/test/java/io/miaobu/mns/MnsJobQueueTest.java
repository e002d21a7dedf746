package io.miaobu.mns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.JobQueue;
import io.miaobu.testkit.JobQueueContract;
import io.miaobu.testkit.aliyun.FakeMns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MNS queue against {@link FakeMns}, which recomputes every request's MNS signature from the
 * secret and checks the STS token: the JobQueue contract, plus the message format and credentials.
 */
class MnsJobQueueTest extends JobQueueContract {
    private static final AliyunCredentials FIRST = new AliyunCredentials("STS.mns1", "mns-secret-1", Optional.of("mns-token-1"));
    private static final AliyunCredentials SECOND = new AliyunCredentials("STS.mns2", "mns-secret-2", Optional.of("mns-token-2"));
    private static FakeMns mns;
    private static final AtomicReference<AliyunCredentials> current = new AtomicReference<>(FIRST);

    private String name;
    private MnsJobQueue queue;

    @BeforeAll
    static void start() throws IOException {
        mns = FakeMns.start(FIRST);
    }

    @AfterAll
    static void stop() {
        mns.close();
    }

    @BeforeEach
    void open() {
        name = "builds-" + UUID.randomUUID().toString().substring(0, 8);
        mns.createQueue(name, Duration.ofSeconds(30));
        queue = new MnsJobQueue(mns.endpoint(), "cn-hangzhou", name, current::get);
    }

    @AfterEach
    void close() {
        queue.close();
        assertThat(mns.rejected()).as("requests the fake refused").isEmpty();
    }

    @Override
    protected JobQueue queue() {
        return queue;
    }

    @Override
    protected String newDeploymentId() {
        return "d" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @Test
    void a_job_is_a_base64_json_message_naming_the_deployment() {
        queue.send(new BuildJob("d123"));
        String body = mns.messages(name).get(0).body;
        assertThat(new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8)).isEqualTo("{\"deploymentId\":\"d123\"}");
    }

    @Test
    void a_raw_json_message_from_another_producer_is_a_job_too() {
        mns.send(name, "{\"deploymentId\":\"d456\"}");
        assertThat(queue.receive(Duration.ofMinutes(1)).orElseThrow().job()).isEqualTo(new BuildJob("d456"));
    }

    @Test
    void a_message_that_is_not_a_build_job_is_deleted_not_handed_out_again_and_again() {
        mns.send(name, "this is not a build job");
        mns.send(name, Base64.getEncoder().encodeToString("{\"other\":1}".getBytes(StandardCharsets.UTF_8)));
        queue.send(new BuildJob("d789"));

        assertThat(queue.receive(Duration.ofMinutes(1)).orElseThrow().job()).isEqualTo(new BuildJob("d789"));
        assertThat(mns.messages(name)).hasSize(1);
    }

    @Test
    void credentials_are_asked_for_on_every_request_so_rotated_sts_credentials_take_effect() {
        queue.send(new BuildJob("d1"));
        mns.accept(SECOND);
        current.set(SECOND);
        mns.revoke(FIRST.accessKeyId());
        try {
            var job = queue.receive(Duration.ofMinutes(1)).orElseThrow();
            queue.delete(job);
            assertThat(mns.messages(name)).isEmpty();
        } finally {
            mns.accept(FIRST);
            current.set(FIRST);
        }
    }

    @Test
    void a_wrong_secret_is_refused_by_the_server() {
        try (MnsJobQueue wrong = new MnsJobQueue(mns.endpoint(), "cn-hangzhou", name,
                () -> new AliyunCredentials(FIRST.accessKeyId(), "wrong", FIRST.securityToken()))) {
            assertThatThrownBy(() -> wrong.send(new BuildJob("d1"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("SignatureDoesNotMatch");
            assertThat(mns.messages(name)).isEmpty();
            assertThat(mns.rejected()).isNotEmpty();
        } finally {
            mns.clearRejected();
        }
    }
}
