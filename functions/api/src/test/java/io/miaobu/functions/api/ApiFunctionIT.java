package io.miaobu.functions.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.TestPostgres;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged api function ({@code target/miaobu-api.jar}) started as FC's custom runtime starts it,
 * against a real PostgreSQL database, answering real HTTP requests that carry FC's headers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiFunctionIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    private static final Map<String, String> JSON_BODY = Map.of("content-type", "application/json");

    private static String databaseUrl;
    private static FunctionProcess api;
    private static HttpResponse<String> coldHealth;

    @BeforeAll
    static void start() throws IOException {
        databaseUrl = TestPostgres.migratedDatabase();
        api = FunctionProcess.launcher("api")
                .databaseUrl(databaseUrl)
                .dataDir(work)
                .start();
        coldHealth = api.send("GET", "/api/v1/health", Map.of()); // the cold start's first request
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            System.out.println(api.coldStartSummary());
            api.close();
        }
    }

    @Test
    @Order(1)
    void healthAnswersWithFcHeaders() throws IOException {
        assertThat(coldHealth.statusCode()).as(api.output()).isEqualTo(200);
        assertThat(JSON.readTree(coldHealth.body()).path("status").asText()).isEqualTo("ok");
        assertThat(api.firstResponseAfter()).isPresent();
        assertThat(api.firstResponseRequest()).contains("GET /api/v1/health");

        HttpResponse<String> warm = api.send("GET", "/api/v1/health", Map.of());
        assertThat(warm.statusCode()).isEqualTo(200);
    }

    /**
     * GitHub sign-in lands on {@code https://{appDomain}/#token=...} and users follow deep links: the app domain's
     * {@code /*} route brings them here, and the api function answers with the dashboard, on the API's own origin.
     */
    @Test
    @Order(2)
    void theDashboardAndItsDeepLinksAreServedBesideTheApi() throws IOException {
        boolean packaged;
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(FunctionProcess.findJar("api").toFile())) {
            packaged = jar.getEntry("dashboard/index.html") != null;
        }
        for (String path : new String[] {"/", "/projects/p123/deployments", "/login"}) {
            HttpResponse<String> page = api.send("GET", path, Map.of());
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).as(path).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            if (packaged) {
                assertThat(page.body()).as(path).contains("<div id=\"root\">");
                assertThat(page.headers().firstValue("content-security-policy")).as(path).hasValueSatisfying(csp ->
                        assertThat(csp).contains("connect-src 'self'"));
            } else if (path.equals("/")) {
                assertThat(page.body()).contains("packaged without the dashboard");
            }
        }
        assertThat(api.send("GET", "/api/v1/no-such-endpoint", Map.of()).statusCode()).isEqualTo(404);
        assertThat(api.send("GET", "/assets/no-such-file.js", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void registerCreateAndListProjectsAgainstTheDatabase() throws IOException {
        String token = register(api);

        HttpResponse<String> created = api.send("POST", "/api/v1/projects", auth(token),
                "{\"name\":\"Marketing Site\",\"gitUrl\":\"https://github.com/example/marketing-site.git\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode project = JSON.readTree(created.body());
        assertThat(project.path("id").asText()).isNotBlank();
        assertThat(project.path("name").asText()).isEqualTo("Marketing Site");
        assertThat(project.path("slug").asText()).isEqualTo("marketing-site");
        assertThat(project.path("productionBranch").asText()).isEqualTo("main");

        HttpResponse<String> listed = api.send("GET", "/api/v1/projects", auth(token));
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode list = JSON.readTree(listed.body());
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("id").asText()).isEqualTo(project.path("id").asText());

        // Another user sees none of it, and no token is no access.
        String other = register(api);
        assertThat(JSON.readTree(api.send("GET", "/api/v1/projects", auth(other)).body())).isEmpty();
        assertThat(api.send("GET", "/api/v1/projects", Map.of()).statusCode()).isEqualTo(401);

        // The rows are in the database the function was given, not in memory.
        try (var c = java.sql.DriverManager.getConnection(databaseUrl);
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM projects WHERE slug = 'marketing-site'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(3)
    void listensOnAllInterfaces() {
        Optional<InetAddress> address = nonLoopbackAddress();
        assumeTrue(address.isPresent(), "this machine has no non-loopback address");
        HttpResponse<String> health = api.sendVia(address.get().getHostAddress(), "GET", "/api/v1/health", Map.of(), null);
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void missingDatabaseUrlExitsNonZeroNamingIt() {
        FunctionProcess.Exit exit = FunctionProcess.launcher("api").without("MIAOBU_DATABASE_URL")
                .runToExit(Duration.ofSeconds(30));
        assertThat(exit.code()).as(exit.output()).isNotZero();
        assertThat(exit.output()).contains("MIAOBU_DATABASE_URL");
    }

    @Test
    @Order(5)
    void missingSecretKeyExitsNonZeroNamingIt() {
        FunctionProcess.Exit exit = FunctionProcess.launcher("api").databaseUrl(databaseUrl).without("MIAOBU_SECRET_KEY")
                .runToExit(Duration.ofSeconds(30));
        assertThat(exit.code()).as(exit.output()).isNotZero();
        assertThat(exit.output()).contains("MIAOBU_SECRET_KEY");
    }

    @Test
    @Order(6)
    void malformedSecretKeyExitsNonZeroNamingIt() {
        FunctionProcess.Exit exit = FunctionProcess.launcher("api").databaseUrl(databaseUrl)
                .secretKey("c2hvcnQ=") // base64 of 5 bytes
                .runToExit(Duration.ofSeconds(30));
        assertThat(exit.code()).as(exit.output()).isNotZero();
        assertThat(exit.output()).contains("MIAOBU_SECRET_KEY");
    }

    @Test
    @Order(7)
    void unreachableDatabaseAnswers503OnlyWhereNeededAndNeverPrintsItsPassword() throws IOException {
        // The function connects lazily: it starts, answers what needs no database, and each request that
        // needs one gets a 503 saying which setting to check.
        String password = "Pw-" + UUID.randomUUID();
        try (FunctionProcess down = FunctionProcess.launcher("api").dataDir(work)
                .databaseUrl("postgres://miaobu:" + password + "@127.0.0.1:1/miaobu").start()) {
            assertThat(down.send("GET", "/api/v1/health", Map.of()).statusCode()).isEqualTo(200);
            HttpResponse<String> login = down.send("POST", "/api/v1/auth/login", JSON_BODY,
                    "{\"email\":\"dev@example.com\",\"password\":\"correct horse battery staple\"}");
            assertThat(login.statusCode()).as(login.body()).isEqualTo(503);
            JsonNode error = JSON.readTree(login.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("database_unavailable");
            assertThat(error.path("message").asText()).contains("MIAOBU_DATABASE_URL");
            assertThat(login.body()).doesNotContain(password);
            assertThat(down.output()).doesNotContain(password);
        }
    }

    @Test
    @Order(8)
    void databaseWithoutTheSchemaAnswers503TellingTheOperatorToMigrate() throws IOException {
        // Functions never run Flyway; an unmigrated database is named as such, not a wall of SQL errors.
        try (FunctionProcess unmigrated = FunctionProcess.launcher("api").dataDir(work)
                .databaseUrl(TestPostgres.freshDatabase()).start()) {
            HttpResponse<String> register = unmigrated.send("POST", "/api/v1/auth/register", JSON_BODY,
                    "{\"email\":\"dev@example.com\",\"password\":\"correct horse battery staple\"}");
            assertThat(register.statusCode()).as(register.body()).isEqualTo(503);
            JsonNode error = JSON.readTree(register.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("schema_outdated");
            assertThat(error.path("message").asText()).contains("./miaobu migrate");
        }
    }

    @Test
    @Order(100)
    void stsCredentialsFromFcHeadersNeverAppearInTheOutput() {
        // Requests down every path: success, 401, 404, 400 and a malformed body.
        api.send("GET", "/api/v1/health", Map.of());
        api.send("GET", "/api/v1/me", Map.of());
        api.send("GET", "/api/v1/nope", Map.of());
        api.send("POST", "/api/v1/auth/register", JSON_BODY, "{\"email\":\"not-an-email\",\"password\":\"x\"}");
        api.send("POST", "/api/v1/auth/register", JSON_BODY, "{not json");
        api.send("POST", "/api/v1/projects", Map.of("authorization", "Bearer forged"), "{}");

        String output = api.output();
        assertThat(output).doesNotContain(FunctionProcess.ACCESS_KEY_ID)
                .doesNotContain(FunctionProcess.ACCESS_KEY_SECRET)
                .doesNotContain(FunctionProcess.SECURITY_TOKEN);
    }

    static String register(FunctionProcess function) throws IOException {
        String email = "dev-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        HttpResponse<String> registered = function.send("POST", "/api/v1/auth/register", JSON_BODY,
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery staple\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode session = JSON.readTree(registered.body());
        assertThat(session.path("user").path("email").asText()).isEqualTo(email);
        return session.path("token").asText();
    }

    static Map<String, String> auth(String token) {
        return Map.of("authorization", "Bearer " + token, "content-type", "application/json");
    }

    /** This machine's address as others see it: the local host's address if that is not loopback, else any interface's. */
    static Optional<InetAddress> nonLoopbackAddress() {
        try {
            InetAddress local = InetAddress.getLocalHost();
            if (!local.isLoopbackAddress() && !local.isAnyLocalAddress()) {
                return Optional.of(local);
            }
        } catch (IOException ignored) {
            // fall back to the interfaces
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return Optional.of(a);
                    }
                }
            }
        } catch (IOException ignored) {
            // none
        }
        return Optional.empty();
    }
}
