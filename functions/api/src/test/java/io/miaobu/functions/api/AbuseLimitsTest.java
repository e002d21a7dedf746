package io.miaobu.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.Platform;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.TestClock;
import io.miaobu.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessing, mass registration and deploy-hook floods are bounded, with the counts in PostgreSQL: two
 * platform instances (two FC instances) on one database count against the same limits.
 */
class AbuseLimitsTest {
    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path tmp;

    PostgresDatabase db;
    final TestClock clock = new TestClock(Instant.parse("2026-12-02T12:00:00Z"));
    final byte[] key = new byte[32];

    /** Two instances of the platform, as two function instances would be, on one database. */
    RouterClient first;
    RouterClient second;

    @BeforeEach
    void start() throws java.io.IOException {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        new SecureRandom().nextBytes(key);
        Map<String, String> env = new HashMap<>(Map.of("MIAOBU_DATA_DIR", tmp.toString(), "MIAOBU_LOGIN_ATTEMPTS", "10",
                "MIAOBU_LOGIN_WINDOW_MINUTES", "15", "MIAOBU_REGISTRATIONS_PER_HOUR", "5", "MIAOBU_HOOK_TRIGGERS_PER_MINUTE", "3"));
        first = instance(env);
        second = instance(env);
    }

    private RouterClient instance(Map<String, String> env) throws java.io.IOException {
        Platform platform = Platform.assemble(MiaobuConfig.fromEnv(env), SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)),
                db, db.jobQueue(), new DiskArtifactStore(tmp.resolve("artifacts")), new FileRouteTable(tmp.resolve("routes")),
                new RecordingCachePurger(), clock).build();
        return RouterClient.checked(platform.router());
    }

    @AfterEach
    void stop() {
        db.close();
    }

    private static RouterClient.Reply post(RouterClient api, String target, String json, String client) {
        return api.call("POST", target, Map.of("Content-Type", List.of("application/json"), "X-Forwarded-For", List.of(client)),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static RouterClient.Reply login(RouterClient api, String email, String password, String client) {
        return post(api, "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", client);
    }

    private void register(String email, String client) {
        assertThat(post(first, "/api/v1/auth/register", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", client)
                .status()).isEqualTo(201);
    }

    @Test
    void after_ten_wrong_passwords_even_the_right_one_gets_429_until_the_window_passes() {
        register("ada@example.com", "198.51.100.1");
        for (int i = 0; i < 10; i++) {
            assertThat(login(first, "ada@example.com", "guess number " + i, "203.0.113." + i).status()).isEqualTo(401);
        }
        RouterClient.Reply blocked = login(first, "ada@example.com", PASSWORD, "203.0.113.99");
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.errorCode()).isEqualTo("rate_limited");
        assertThat(blocked.json().path("error").path("message").asText()).contains("Too many sign-in attempts").contains("minutes");
        assertThat(Long.parseLong(blocked.header("retry-after"))).isBetween(60L, 15 * 60L + 1);

        clock.advance(Duration.ofMinutes(16));
        assertThat(login(first, "ada@example.com", PASSWORD, "203.0.113.99").status()).isEqualTo(200);
    }

    @Test
    void attempts_on_two_instances_count_against_one_limit() {
        register("ada@example.com", "198.51.100.1");
        for (int i = 0; i < 5; i++) {
            assertThat(login(first, "ada@example.com", "wrong " + i, "203.0.113.1").status()).isEqualTo(401);
            assertThat(login(second, "ada@example.com", "wrong " + i, "203.0.113.2").status()).isEqualTo(401);
        }
        assertThat(login(second, "ada@example.com", PASSWORD, "203.0.113.3").status()).isEqualTo(429);
        assertThat(login(first, "ada@example.com", PASSWORD, "203.0.113.3").status()).isEqualTo(429);
    }

    @Test
    void a_successful_sign_in_clears_the_accounts_count() {
        register("ada@example.com", "198.51.100.1");
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 9; i++) {
                assertThat(login(first, "ada@example.com", "typo " + i, "198.51.100.1").status()).isEqualTo(401);
            }
            assertThat(login(first, "ada@example.com", PASSWORD, "198.51.100.1").status()).isEqualTo(200);
        }
    }

    @Test
    void one_address_guessing_many_accounts_is_stopped_after_five_times_the_account_limit() {
        for (int i = 0; i < 50; i++) {
            assertThat(login(first, "user" + i + "@example.com", "guess", "203.0.113.7").status()).as("attempt " + i).isEqualTo(401);
        }
        assertThat(login(second, "someone-else@example.com", "guess", "203.0.113.7").status()).isEqualTo(429);
        assertThat(login(second, "someone-else@example.com", "guess", "203.0.113.8").status()).isEqualTo(401);
    }

    @Test
    void one_address_creates_at_most_the_configured_accounts_per_hour() {
        for (int i = 0; i < 5; i++) {
            register("new" + i + "@example.com", "203.0.113.9");
        }
        RouterClient.Reply sixth = post(second, "/api/v1/auth/register",
                "{\"email\":\"new5@example.com\",\"password\":\"" + PASSWORD + "\"}", "203.0.113.9");
        assertThat(sixth.status()).isEqualTo(429);
        assertThat(sixth.header("retry-after")).isNotNull();
        register("other@example.com", "203.0.113.10");
        clock.advance(Duration.ofMinutes(61));
        register("new5@example.com", "203.0.113.9");
    }

    @Test
    void a_deploy_hook_called_in_a_loop_queues_three_builds_a_minute_and_then_answers_429() {
        register("ada@example.com", "198.51.100.1");
        RouterClient ada = first.as(login(first, "ada@example.com", PASSWORD, "198.51.100.1").json().get("token").asText());
        String project = ada.ok("POST", "/api/v1/projects", "{\"name\":\"Hooked\",\"gitUrl\":\"https://example.com/a.git\"}").get("id").asText();
        String url = ada.ok("POST", "/api/v1/projects/" + project + "/hooks", "{\"name\":\"CMS\",\"branch\":\"main\"}").get("url").asText();
        String path = url.substring(url.indexOf("/hooks/deploy/"));
        for (int i = 0; i < 3; i++) {
            assertThat(post(i % 2 == 0 ? first : second, path, "{}", "192.0.2." + i).status()).isEqualTo(201);
        }
        RouterClient.Reply flood = post(first, path, "{}", "192.0.2.50");
        assertThat(flood.status()).isEqualTo(429);
        assertThat(flood.header("retry-after")).isNotNull();
        assertThat(ada.ok("GET", "/api/v1/projects/" + project + "/deployments", null)).hasSize(3);
        clock.advance(Duration.ofMinutes(1));
        assertThat(post(first, path, "{}", "192.0.2.50").status()).isEqualTo(201);
    }
}
