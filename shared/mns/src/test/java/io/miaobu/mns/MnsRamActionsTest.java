package io.miaobu.mns;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.deploy.BuildJob;
import io.miaobu.testkit.aliyun.FakeMns;
import io.miaobu.testkit.aliyun.RamChecks;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every MNS API the queue calls (send, receive, change visibility, delete) is in its RAM_ACTIONS. */
class MnsRamActionsTest {
    static final AliyunCredentials STS = new AliyunCredentials("STS.ram", "ram-secret", Optional.of("ram-token"));

    @Test
    void every_api_the_queue_calls_is_in_its_ram_actions() throws Exception {
        try (FakeMns mns = FakeMns.start(STS)) {
            mns.createQueue("builds", Duration.ofSeconds(30));
            try (MnsJobQueue queue = new MnsJobQueue(mns.endpoint(), "cn-hangzhou", "builds", () -> STS)) {
                queue.send(new BuildJob("d0123456789abcdef"));
                queue.delete(queue.receive(Duration.ofSeconds(60)).orElseThrow());
            }
            // The fake records "Operation queue".
            RamChecks.assertDeclared(MnsJobQueue.RAM_ACTIONS, mns.calls().stream().map(c -> c.split(" ")[0]).toList());
        }
    }
}
