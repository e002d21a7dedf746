package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.local.cli.MiaobuCli;
import io.miaobu.testkit.Pebble;
import io.miaobu.testkit.aliyun.FakeAlidns;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wildcard custom domains with MIAOBU_ALIDNS=on: Pebble validates *.example.com by DNS-01, the TXT
 * record made through Alidns (FakeAlidns checks each signed call and forwards the record to Pebble's
 * mock DNS, as Alidns' name servers would serve it) and removed once the certificate is issued.
 */
class WildcardDomainFlowTest {
    static final String EDGE = PebbleDomains.EDGE;
    static final AliyunCredentials OPERATOR = new AliyunCredentials("LTAI-operator", "operator-secret", Optional.empty());

    @TempDir
    static Path tmp;

    static Pebble pebble;
    static FakeAlidns alidns;
    static LocalHost host;
    static int httpsPort;
    static ApiClient user;
    static String projectId;
    static final List<String> dnsLog = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        int port = Pebble.freePort();
        httpsPort = Pebble.freePort();
        pebble = Pebble.start(tmp.resolve("pebble"), port);
        alidns = new FakeAlidns(OPERATOR, "wild-shop.com");
        alidns.onChange(change -> {
            try {
                if (change.added()) {
                    pebble.setTxt(change.record().name(), change.record().value());
                } else {
                    pebble.clearTxt(change.record().name());
                }
                dnsLog.add((change.added() ? "add " : "delete ") + change.record().name());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, String> env = PebbleDomains.hostEnv(pebble, tmp, port, httpsPort);
        env.put("MIAOBU_ALIDNS", "on");
        env.put("MIAOBU_ALIDNS_ENDPOINT", alidns.endpoint());
        host = LocalHost.start(MiaobuConfig.fromEnv(env), () -> OPERATOR);
        user = new ApiClient(host.port()).signUp("wildcards@example.com");
        Path dir = tmp.resolve("site");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "<h1>every shop</h1>");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MiaobuCli.run(new String[] {"deploy", dir.toString(), "--project", "Shops", "--prod"},
                Map.of("MIAOBU_API_URL", "http://127.0.0.1:" + host.port(), "MIAOBU_TOKEN", user.token,
                        "XDG_CONFIG_HOME", tmp.resolve("config").toString()),
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        projectId = user.ok("GET", "/api/v1/projects", null).get(0).get("id").asText();
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (alidns != null) {
            alidns.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    @Test
    void a_wildcard_domain_is_issued_by_dns_01_through_alidns_and_serves_every_name_one_label_under_it() throws Exception {
        JsonNode added = PebbleDomains.add(user, projectId, "*.Wild-Shop.com");
        assertThat(added.get("hostname").asText()).isEqualTo("*.wild-shop.com");
        assertThat(added.get("wildcard").asBoolean()).isTrue();
        assertThat(added.get("url").isNull()).as("a wildcard is no single URL").isTrue();
        JsonNode records = added.get("dnsRecords");
        assertThat(records.get(0).get("type").asText()).isEqualTo("CNAME");
        assertThat(records.get(0).get("name").asText()).isEqualTo("*.wild-shop.com");
        assertThat(records.get(0).get("value").asText()).isEqualTo(EDGE);
        assertThat(records.get(1).get("name").asText()).isEqualTo("_miaobu.wild-shop.com");
        PebbleDomains.createRecords(pebble, added);

        String id = added.get("id").asText();
        long started = System.nanoTime();
        JsonNode verified = user.ok("POST", "/api/v1/domains/" + id + "/verify", null);
        assertThat(verified.get("dnsRecords").findValuesAsText("status")).containsOnly("OK");
        JsonNode active = awaitStatus(id);
        System.out.printf("verify -> ACTIVE by DNS-01 against Pebble: %.2f s%n", (System.nanoTime() - started) / 1e9);
        assertThat(active.get("status").asText()).as(active.toString()).isEqualTo("ACTIVE");
        assertThat(active.get("certificate").get("issuer").asText()).containsIgnoringCase("pebble");

        // The CA looked at the record Alidns was asked to create, and it is gone afterwards.
        assertThat(alidns.calls("AddDomainRecord")).singleElement().satisfies(call -> {
            assertThat(call.params()).containsEntry("DomainName", "wild-shop.com").containsEntry("RR", "_acme-challenge")
                    .containsEntry("Type", "TXT");
        });
        assertThat(alidns.calls("DeleteDomainRecord")).hasSize(1);
        assertThat(alidns.records()).isEmpty();
        assertThat(dnsLog).containsExactly("add _acme-challenge.wild-shop.com", "delete _acme-challenge.wild-shop.com");

        // Any name under it is the site, over HTTPS with the wildcard certificate, as a browser checks it.
        SSLContext trust = Pebble.trusting(pebble.root());
        for (String name : List.of("shop-one.wild-shop.com", "another.wild-shop.com")) {
            HttpsProbe.Answer site = HttpsProbe.get(httpsPort, name, trust);
            assertThat(site.response()).as(name).startsWith("HTTP/1.1 200").contains("<h1>every shop</h1>");
            assertThat(site.certificate().getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1)).contains("*.wild-shop.com");
        }
        assertThat(user.site("shop-one.wild-shop.com", "/").body()).contains("<h1>every shop</h1>");
        // One label deep, as the certificate: a.b.wild-shop.com is neither certified nor routed.
        assertThatThrownBy(() -> HttpsProbe.get(httpsPort, "a.b.wild-shop.com", trust)).isInstanceOf(SSLException.class);
        assertThat(user.site("a.b.wild-shop.com", "/").body()).doesNotContain("every shop");
    }

    @Test
    void a_wildcard_in_a_zone_outside_the_operators_alidns_ends_in_error_saying_so() throws Exception {
        JsonNode added = PebbleDomains.add(user, projectId, "*.elsewhere-shop.com");
        PebbleDomains.createRecords(pebble, added);
        String id = added.get("id").asText();
        user.ok("POST", "/api/v1/domains/" + id + "/verify", null);
        JsonNode failed = awaitStatus(id);
        assertThat(failed.get("status").asText()).as(failed.toString()).isEqualTo("ERROR");
        assertThat(failed.get("message").asText()).contains("_acme-challenge.elsewhere-shop.com").contains("Alidns");
    }

    static JsonNode awaitStatus(String id) throws Exception {
        return PebbleDomains.awaitStatus(user, id, "ACTIVE", "ERROR");
    }
}
