package io.miaobu.functions.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.TestPostgres;
import io.miaobu.testkit.aliyun.FakeEsa;
import io.miaobu.testkit.aliyun.FakeMns;
import io.miaobu.testkit.aliyun.MnsEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged webhook function on its production adapters, as FC runs it: a deploy hook's call (the
 * {@code /hooks/*} path the app domain routes here) queues the build on MNS ({@link FakeMns}, which checks
 * every signature and STS token) with ESA's edge KV configured. The jar carries only the SDKs its routes
 * use, so a class missing from it shows here as a failed start or a 500.
 */
class WebhookOnAliyunIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE = "miaobu-builds";
    private static final AliyunCredentials FC_ROLE = new AliyunCredentials(FunctionProcess.ACCESS_KEY_ID,
            FunctionProcess.ACCESS_KEY_SECRET, Optional.of(FunctionProcess.SECURITY_TOKEN));

    @TempDir
    static Path work;

    private static FakeMns mns;
    private static FakeEsa esa;
    private static FunctionProcess webhook;

    @BeforeAll
    static void start() throws IOException {
        mns = FakeMns.start(FC_ROLE).createQueue(QUEUE, Duration.ofMinutes(30));
        esa = new FakeEsa(FC_ROLE, "7096621098").createNamespace("miaobu_routes");
        FunctionProcess.Launcher launcher = FunctionProcess.launcher("webhook")
                .databaseUrl(TestPostgres.migratedDatabase())
                .dataDir(Files.createDirectories(work.resolve("data")))
                .env("MIAOBU_ALIYUN_REGION", "cn-hangzhou")
                .env("MIAOBU_ALIYUN_ACCOUNT_ID", MnsEvents.ACCOUNT)
                .env("MIAOBU_MNS_QUEUE", QUEUE)
                .env("MIAOBU_MNS_ENDPOINT", mns.endpoint())
                .env("MIAOBU_ESA_KV_NAMESPACE", "miaobu_routes")
                .env("MIAOBU_ESA_SITE_ID", esa.siteId())
                .env("MIAOBU_ESA_ENDPOINT", esa.endpoint());
        webhook = launcher.start();
    }

    @AfterAll
    static void stop() {
        if (webhook != null) {
            webhook.close();
        }
        if (mns != null) {
            mns.close();
        }
        if (esa != null) {
            esa.close();
        }
    }

    @Test
    void a_deploy_hook_call_queues_its_build_on_mns() throws IOException {
        String token = registered();
        Map<String, String> auth = Map.of("authorization", "Bearer " + token, "content-type", "application/json");
        HttpResponse<String> project = webhook.send("POST", "/api/v1/projects", auth,
                JSON.createObjectNode().put("name", "Hooked").put("gitUrl", "https://github.com/example/hooked-site.git").toString());
        assertThat(project.statusCode()).as(project.body()).isEqualTo(201);
        String projectId = JSON.readTree(project.body()).path("id").asText();
        HttpResponse<String> hook = webhook.send("POST", "/api/v1/projects/" + projectId + "/hooks", auth,
                "{\"name\":\"cms\",\"branch\":\"main\"}");
        assertThat(hook.statusCode()).as(hook.body()).isEqualTo(201);
        int queuedBefore = mns.messages(QUEUE).size();

        HttpResponse<String> triggered = webhook.send("POST", URI.create(JSON.readTree(hook.body()).path("url").asText()).getPath(),
                Map.of());

        assertThat(triggered.statusCode()).as(triggered.body() + webhook.output()).isEqualTo(201);
        String deploymentId = JSON.readTree(triggered.body()).path("deployment").path("id").asText();
        assertThat(mns.messages(QUEUE)).hasSize(queuedBefore + 1);
        assertThat(new String(Base64.getDecoder().decode(mns.messages(QUEUE).get(queuedBefore).body), StandardCharsets.UTF_8))
                .contains("\"deploymentId\":\"" + deploymentId + "\"");
        assertThat(mns.rejected()).isEmpty();
        assertThat(webhook.output()).doesNotContain(FunctionProcess.ACCESS_KEY_SECRET).doesNotContain(FunctionProcess.SECURITY_TOKEN);
    }

    private static String registered() throws IOException {
        HttpResponse<String> registered = webhook.send("POST", "/api/v1/auth/register", Map.of("content-type", "application/json"),
                "{\"email\":\"hooks@example.com\",\"password\":\"correct horse battery staple\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(registered.body());
        return body.path("token").asText();
    }
}
