package io.miaobu.oss;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.testkit.aliyun.FakeOss;
import io.miaobu.testkit.aliyun.RamChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every OSS operation the store sends is in its RAM_ACTIONS (each of put, multipart put, copy, read, list, delete). */
class OssRamActionsTest {
    static final AliyunCredentials STS = new AliyunCredentials("STS.ram", "ram-secret", Optional.of("ram-token"));

    @Test
    void every_operation_the_store_sends_is_in_its_ram_actions(@TempDir Path dir) throws Exception {
        try (FakeOss oss = FakeOss.start("miaobu-ram", STS)) {
            OssArtifactStore store = new OssArtifactStore(oss.endpoint(), oss.region(), oss.bucket(), () -> STS,
                    new OssArtifactStore.Multipart(200 * 1024, 100 * 1024));
            Path small = Files.writeString(dir.resolve("small.txt"), "hello");
            Path big = Files.write(dir.resolve("big.bin"), new byte[250 * 1024]);
            store.put("sites/p/d/index.html", small, "text/html");
            store.put("sites/p/d/big.bin", big, "application/octet-stream");
            store.copy("sites/p/d/index.html", "sites/p/d2/index.html", "text/html");
            store.open("sites/p/d/index.html").orElseThrow().close();
            store.exists("sites/p/d/missing.html");
            store.list("sites/p/");
            store.deletePrefix("sites/p/");
            store.close();
            RamChecks.assertDeclared(OssArtifactStore.RAM_ACTIONS, oss.calls().stream().map(FakeOss.Call::operation).toList());
        }
    }
}
