package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.testkit.Pebble;
import io.miaobu.testkit.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Custom domains of a local host, checked against Pebble's mock DNS and certified by Pebble. */
final class PebbleDomains {
    static final String EDGE = "edge.miaobu-platform.net";

    private PebbleDomains() {}

    /** The environment of a local host on {@code port} that asks Pebble's DNS and CA, serving HTTPS on {@code httpsPort}. */
    static Map<String, String> hostEnv(Pebble pebble, Path tmp, int port, int httpsPort) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("MIAOBU_PORT", String.valueOf(port));
        env.put("MIAOBU_DATA_DIR", tmp.resolve("data").toString());
        env.put("MIAOBU_DATABASE_URL", TestPostgres.freshDatabase());
        env.put("MIAOBU_ACME_DIRECTORY", pebble.directoryUrl());
        env.put("MIAOBU_ACME_CA_CERT", pebble.tlsCertificate().toString());
        env.put("MIAOBU_DNS_RESOLVER", pebble.dnsResolver());
        env.put("MIAOBU_EDGE_TARGET", EDGE);
        env.put("MIAOBU_HTTPS_PORT", String.valueOf(httpsPort));
        return env;
    }

    static JsonNode add(ApiClient user, String projectId, String hostname) throws Exception {
        ApiClient.Answer answer = user.call("POST", "/api/v1/projects/" + projectId + "/domains",
                "{\"hostname\":\"" + hostname + "\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    /** Creates exactly the records the domain's answer lists, in the mock DNS. */
    static void createRecords(Pebble pebble, JsonNode domain) throws Exception {
        for (JsonNode r : domain.get("dnsRecords")) {
            switch (r.get("type").asText()) {
                case "CNAME" -> pebble.setCname(r.get("name").asText(), r.get("value").asText());
                case "TXT" -> pebble.setTxt(r.get("name").asText(), r.get("value").asText());
                case "A" -> pebble.setA(r.get("name").asText(), r.get("value").asText());
                default -> throw new AssertionError(r);
            }
        }
    }

    static JsonNode awaitStatus(ApiClient user, String id, String... statuses) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode d;
        do {
            d = user.ok("GET", "/api/v1/domains/" + id, null);
            if (List.of(statuses).contains(d.get("status").asText())) {
                return d;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("domain still " + d);
    }
}
