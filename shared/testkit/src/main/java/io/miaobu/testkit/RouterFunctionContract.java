package io.miaobu.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every HTTP function serving the shared router must do once packaged: start as FC's custom
 * runtime starts it, answer its first request with FC's headers, and reach the database with an
 * authenticated call, without ever echoing the STS credentials FC passes in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RouterFunctionContract {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FunctionProcess function;
    private HttpResponse<String> coldHealth;
    private Path work;

    /** The function's module name, e.g. "oauth" for target/miaobu-oauth.jar. */
    protected abstract String functionName();

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory("miaobu-" + functionName());
        function = FunctionProcess.launcher(functionName())
                .databaseUrl(TestPostgres.migratedDatabase())
                .dataDir(work)
                .start();
        coldHealth = function.send("GET", "/api/v1/health", Map.of()); // the cold start's first request
    }

    @AfterAll
    void stop() {
        if (function != null) {
            System.out.println(function.coldStartSummary());
            function.close();
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }

    @Test
    void the_packaged_function_answers_its_first_request_with_fc_headers() throws IOException {
        assertThat(coldHealth.statusCode()).as(function.output()).isEqualTo(200);
        assertThat(JSON.readTree(coldHealth.body()).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void a_user_registers_and_makes_an_authenticated_call_without_credentials_leaking() throws IOException {
        String email = "dev-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> registered = function.send("POST", "/api/v1/auth/register",
                Map.of("content-type", "application/json"),
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery staple\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String token = JSON.readTree(registered.body()).path("token").asText();

        HttpResponse<String> me = function.send("GET", "/api/v1/me", Map.of("authorization", "Bearer " + token));
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).path("email").asText()).isEqualTo(email);

        assertThat(function.output()).doesNotContain(FunctionProcess.ACCESS_KEY_SECRET)
                .doesNotContain(FunctionProcess.SECURITY_TOKEN);
    }
}
