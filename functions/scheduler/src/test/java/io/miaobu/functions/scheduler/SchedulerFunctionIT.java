package io.miaobu.functions.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.TestPostgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged scheduler function ({@code target/miaobu-scheduler.jar}) started as FC's custom runtime
 * starts it: each timer tick arrives as {@code POST /invoke} with the timer trigger's event and runs
 * the stuck-build reaper against the real database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulerFunctionIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    private static final Map<String, String> EVENT = Map.of("content-type", "application/octet-stream");

    private static String databaseUrl;
    private static FunctionProcess scheduler;

    @BeforeAll
    static void start() throws IOException {
        databaseUrl = TestPostgres.migratedDatabase();
        scheduler = FunctionProcess.launcher("scheduler")
                .databaseUrl(databaseUrl)
                .dataDir(work)
                .start();
    }

    @AfterAll
    static void stop() {
        if (scheduler != null) {
            System.out.println(scheduler.coldStartSummary());
            scheduler.close();
        }
    }

    @Test
    @Order(1)
    void aTickOnACleanDatabaseReapsNothing() throws IOException {
        HttpResponse<String> response = tick();
        assertThat(response.statusCode()).as(response.body() + "\n" + scheduler.output()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-fc-status")).contains("200");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("trigger").asText()).isEqualTo("miaobu-reaper");
        assertThat(body.path("reapedDeployments").asInt(-1)).isZero();
    }

    /** FC's event contract: a tick that fails is 404 with x-fc-status 404 (FC records a function error), never a 500. */
    @Test
    @Order(5)
    void aTickThatCannotReachTheDatabaseFailsUnderFcsEventContract() throws IOException {
        try (FunctionProcess cut = FunctionProcess.launcher("scheduler")
                .databaseUrl("jdbc:postgresql://127.0.0.1:9/miaobu?user=nobody&password=wrong&connectTimeout=2")
                .dataDir(work.resolve("cut")).start()) {
            HttpResponse<String> response = cut.send("POST", "/invoke", EVENT,
                    "{\"triggerTime\":\"2026-12-02T00:00:00Z\",\"triggerName\":\"miaobu-reaper\",\"payload\":\"\"}");
            assertThat(response.statusCode()).as(response.body() + "\n" + cut.output()).isEqualTo(404);
            assertThat(response.headers().firstValue("x-fc-status")).contains("404");
            assertThat(JSON.readTree(response.body()).path("error").asText()).isNotBlank();
        }
    }

    @Test
    @Order(2)
    void aBuildStuckForTwoHoursIsFailedWithAMessage() throws Exception {
        Instant now = Instant.now();
        try (Connection c = DriverManager.getConnection(databaseUrl)) {
            insertUserAndProject(c, now);
            insertDeployment(c, "dstuck", "BUILDING", now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(2)));
            insertDeployment(c, "dfresh", "BUILDING", now.minus(Duration.ofMinutes(2)), now.minus(Duration.ofMinutes(1)));
            insertDeployment(c, "dready", "READY", now.minus(Duration.ofHours(5)), now.minus(Duration.ofHours(5)));
        }

        HttpResponse<String> response = tick();
        assertThat(response.statusCode()).as(response.body() + "\n" + scheduler.output()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("reapedDeployments").asInt(-1)).isEqualTo(1);

        try (Connection c = DriverManager.getConnection(databaseUrl)) {
            Row stuck = row(c, "dstuck");
            assertThat(stuck.status()).isEqualTo("FAILED");
            assertThat(stuck.error()).isNotBlank().containsIgnoringCase("deploy again");
            assertThat(stuck.finishedAt()).isNotNull();
            assertThat(row(c, "dfresh").status()).isEqualTo("BUILDING");
            assertThat(row(c, "dready").status()).isEqualTo("READY");
        }

        // The next tick has nothing left to do.
        assertThat(JSON.readTree(tick().body()).path("reapedDeployments").asInt(-1)).isZero();
    }

    @Test
    @Order(3)
    void anEmptyInvokeBodyIsStillATick() throws IOException {
        HttpResponse<String> response = scheduler.send("POST", "/invoke", EVENT, new byte[0]);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("reapedDeployments").asInt(-1)).isZero();
    }

    @Test
    @Order(100)
    void stsCredentialsNeverAppearInTheOutput() {
        assertThat(scheduler.output()).doesNotContain(FunctionProcess.ACCESS_KEY_ID)
                .doesNotContain(FunctionProcess.ACCESS_KEY_SECRET)
                .doesNotContain(FunctionProcess.SECURITY_TOKEN);
    }

    /** A tick as FC's timer trigger delivers it. */
    private static HttpResponse<String> tick() {
        String event = "{\"triggerTime\":\"" + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + "\",\"triggerName\":\"miaobu-reaper\",\"payload\":\"\"}";
        return scheduler.send("POST", "/invoke", EVENT, event);
    }

    private static void insertUserAndProject(Connection c, Instant now) throws SQLException {
        try (PreparedStatement user = c.prepareStatement(
                "INSERT INTO users (id, email, password_hash, created_at) VALUES ('u1', 'dev@example.com', 'x', ?)");
             PreparedStatement project = c.prepareStatement(
                "INSERT INTO projects (id, owner_id, name, slug, git_url, production_branch, created_at, updated_at)"
                        + " VALUES ('p1', 'u1', 'Site', 'site', 'https://github.com/example/site.git', 'main', ?, ?)")) {
            user.setTimestamp(1, Timestamp.from(now));
            user.executeUpdate();
            project.setTimestamp(1, Timestamp.from(now));
            project.setTimestamp(2, Timestamp.from(now));
            project.executeUpdate();
        }
    }

    private static void insertDeployment(Connection c, String id, String status, Instant created, Instant started)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO deployments (id, project_id, status, target, branch, created_at, started_at, finished_at)"
                        + " VALUES (?, 'p1', ?, 'production', 'main', ?, ?, ?)")) {
            st.setString(1, id);
            st.setString(2, status);
            st.setTimestamp(3, Timestamp.from(created));
            st.setTimestamp(4, Timestamp.from(started));
            st.setTimestamp(5, status.equals("READY") ? Timestamp.from(started.plusSeconds(30)) : null);
            st.executeUpdate();
        }
    }

    private record Row(String status, String error, Timestamp finishedAt) {}

    private static Row row(Connection c, String id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT status, error, finished_at FROM deployments WHERE id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("deployment " + id + " exists").isTrue();
                return new Row(rs.getString(1), rs.getString(2), rs.getTimestamp(3));
            }
        }
    }
}
