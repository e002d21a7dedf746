package io.miaobu.functions.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.TestPostgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged webhook function ({@code target/miaobu-webhook.jar}) started as FC's custom runtime starts it. It
 * serves the same router as the api function (ApiFunctionIT covers that in depth), so this only checks
 * that the jar starts, answers with FC's headers, and reaches the database with an authenticated call.
 */
class WebhookFunctionIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static FunctionProcess function;
    private static HttpResponse<String> coldHealth;

    @BeforeAll
    static void start() throws IOException {
        function = FunctionProcess.launcher("webhook")
                .databaseUrl(TestPostgres.freshDatabase())
                .dataDir(work)
                .start();
        coldHealth = function.send("GET", "/api/v1/health", Map.of()); // the cold start's first request
    }

    @AfterAll
    static void stop() {
        if (function != null) {
            System.out.println(function.coldStartSummary());
            function.close();
        }
    }

    @Test
    void healthAnswersWithFcHeaders() throws IOException {
        assertThat(coldHealth.statusCode()).as(function.output()).isEqualTo(200);
        assertThat(JSON.readTree(coldHealth.body()).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void registerThenAnAuthenticatedCallWorks() throws IOException {
        String email = "dev-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> registered = function.send("POST", "/api/v1/auth/register",
                Map.of("content-type", "application/json"),
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery staple\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String token = JSON.readTree(registered.body()).path("token").asText();

        HttpResponse<String> me = function.send("GET", "/api/v1/me", Map.of("authorization", "Bearer " + token));
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        JsonNode user = JSON.readTree(me.body());
        assertThat(user.path("email").asText()).isEqualTo(email);

        assertThat(function.output()).doesNotContain(FunctionProcess.ACCESS_KEY_SECRET)
                .doesNotContain(FunctionProcess.SECURITY_TOKEN);
    }
}
