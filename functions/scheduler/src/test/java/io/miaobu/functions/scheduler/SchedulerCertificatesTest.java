package io.miaobu.functions.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.miaobu.Platform;
import io.miaobu.cas.CasCertificateStore;
import io.miaobu.dns.DnsJavaLookup;
import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainStatus;
import io.miaobu.functions.FunctionAdapters;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.http.Response;
import io.miaobu.http.SimpleRequest;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.StoreFixtures;
import io.miaobu.testkit.TestPostgres;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler is the one function that talks to the ACME CA (DESIGN §1): its platform is built with the
 * issuer, so its very first tick asks the CA configured by MIAOBU_ACME_DIRECTORY for a verified domain's
 * certificate, while the api function, built from the same settings, never does.
 */
class SchedulerCertificatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    /** What the CA was asked: it answers every request 503, so an order never gets further than asking. */
    final List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer ca;

    @AfterEach
    void stop() {
        if (ca != null) {
            ca.stop(0);
        }
    }

    private Map<String, String> env() throws Exception {
        ca = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ca.createContext("/", exchange -> {
            asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        ca.start();
        return Map.of("MIAOBU_DATABASE_URL", TestPostgres.migratedDatabase(),
                "MIAOBU_SECRET_KEY", FunctionProcess.randomSecretKey(),
                "MIAOBU_DATA_DIR", data.toString(),
                "MIAOBU_BASE_DOMAIN", "miaobu.example.com",
                "MIAOBU_EDGE_TARGET", "edge.miaobu.example.com",
                "MIAOBU_ACME_DIRECTORY", "http://127.0.0.1:" + ca.getAddress().getPort() + "/directory");
    }

    /** A project's domain whose DNS the owner has proved (the api's check), due for its certificate now. */
    private static Domain verifiedDomain(Platform platform) {
        RouterClient api = new RouterClient(platform.router());
        api.token = api.ok("POST", "/api/v1/auth/register", "{\"email\":\"ada@example.com\",\"password\":\"correct horse\"}")
                .get("token").asText();
        String project = api.ok("POST", "/api/v1/projects", "{\"name\":\"Shop\"}").get("id").asText();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Domain verified = new Domain(StoreFixtures.id("dom"), project, "www.example.net", false, DomainStatus.VERIFIED, null,
                StoreFixtures.id("tok"), List.of(), 0, now, now, null, null, null, null, null, 0, now, now);
        platform.database().domains().insert(verified);
        return verified;
    }

    private static JsonNode tick(Platform platform) throws Exception {
        Response answer = SchedulerFunction.handler(platform).handle(new SimpleRequest("POST", "/invoke",
                Map.of("content-type", List.of("application/octet-stream")),
                "{\"triggerName\":\"miaobu-reaper\",\"payload\":\"\"}".getBytes(StandardCharsets.UTF_8)));
        assertThat(answer.status()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    @Test
    void the_schedulers_first_tick_asks_the_configured_acme_ca_for_a_verified_domains_certificate() throws Exception {
        try (FunctionRuntime scheduler = FunctionRuntime.fromEnvironment(env(), SchedulerFunction.ADAPTERS)) {
            Domain domain = verifiedDomain(scheduler.platform());

            JsonNode done = tick(scheduler.platform());

            assertThat(asked).as("requests the CA received").contains("GET /directory");
            assertThat(done.path("domains").path("failed").asInt()).as(done.toString()).isEqualTo(1);
            Domain after = scheduler.platform().database().domains().findById(domain.id()).orElseThrow();
            assertThat(after.message()).startsWith("No certificate was issued").doesNotContain("no certificate authority configured");
        }
    }

    @Test
    void the_api_function_built_from_the_same_settings_never_asks_the_ca() throws Exception {
        FunctionAdapters apiAdapters = FunctionAdapters.none("api").domains(DnsJavaLookup::create, CasCertificateStore::from);
        try (FunctionRuntime api = FunctionRuntime.fromEnvironment(env(), apiAdapters)) {
            Domain domain = verifiedDomain(api.platform());

            api.platform().domainJobs().orElseThrow().run();

            assertThat(asked).isEmpty();
            assertThat(api.platform().database().domains().findById(domain.id()).orElseThrow().message())
                    .contains("no certificate authority configured");
        }
    }
}
