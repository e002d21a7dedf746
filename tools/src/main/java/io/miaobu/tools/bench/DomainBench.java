package io.miaobu.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.json.Json;
import io.miaobu.local.host.LocalHost;
import io.miaobu.testkit.Pebble;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./miaobu bench domains [count=10]}: a local host against Pebble (the ACME test CA) and its
 * mock DNS. For each of {@code count} custom domains: add it, create the records its answer lists,
 * press Verify, and time until the domain is ACTIVE (DNS check, ACME order, HTTP-01 validation
 * through the local edge, certificate stored and routed).
 */
public final class DomainBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String EDGE = "edge.miaobu-bench.net";

    private DomainBench() {}

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path work = Files.createTempDirectory("miaobu-domain-bench");
        try {
            run(work, count);
        } finally {
            Bench.deleteTree(work);
        }
    }

    private static void run(Path work, int count) throws Exception {
        int port = Pebble.freePort();
        try (Pebble pebble = Pebble.start(work.resolve("pebble"), port)) {
            Map<String, String> env = new HashMap<>(Map.of("MIAOBU_PORT", String.valueOf(port),
                    "MIAOBU_DATA_DIR", work.resolve("data").toString(),
                    "MIAOBU_ACME_DIRECTORY", pebble.directoryUrl(),
                    "MIAOBU_ACME_CA_CERT", pebble.tlsCertificate().toString(),
                    "MIAOBU_DNS_RESOLVER", pebble.dnsResolver(),
                    "MIAOBU_EDGE_TARGET", EDGE));
            String dbUrl = System.getenv("MIAOBU_DATABASE_URL");
            if (dbUrl != null) {
                env.put("MIAOBU_DATABASE_URL", dbUrl);
            }
            try (LocalHost host = LocalHost.start(MiaobuConfig.fromEnv(env))) {
                String api = "http://127.0.0.1:" + host.port();
                String token = send("POST", api + "/api/v1/auth/register",
                        "{\"email\":\"bench@example.com\",\"password\":\"benchmark-password\"}", null).get("token").asText();
                String project = send("POST", api + "/api/v1/projects", "{\"name\":\"bench\"}", token).get("id").asText();
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String hostname = "site-" + i + ".bench-example.com";
                    JsonNode domain = send("POST", api + "/api/v1/projects/" + project + "/domains",
                            "{\"hostname\":\"" + hostname + "\"}", token);
                    for (JsonNode r : domain.get("dnsRecords")) {
                        if (r.get("type").asText().equals("CNAME")) {
                            pebble.setCname(r.get("name").asText(), r.get("value").asText());
                        } else {
                            pebble.setTxt(r.get("name").asText(), r.get("value").asText());
                        }
                    }
                    String id = domain.get("id").asText();
                    long start = System.nanoTime();
                    send("POST", api + "/api/v1/domains/" + id + "/verify", "", token);
                    String status;
                    do {
                        Thread.sleep(5);
                        JsonNode d = send("GET", api + "/api/v1/domains/" + id, null, token);
                        status = d.get("status").asText();
                        if (status.equals("ERROR")) {
                            throw new IllegalStateException(hostname + ": " + d.get("message").asText());
                        }
                    } while (!status.equals("ACTIVE") && System.nanoTime() - start < 120e9);
                    times.add((System.nanoTime() - start) / 1e9);
                }
                double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("custom domains against Pebble (local host, HTTP-01 through the local edge), %d domains%n", count);
                System.out.printf("  verify -> ACTIVE: median %.2fs, min %.2fs, max %.2fs (first %.2fs includes the ACME account)%n",
                        sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], times.get(0));
                System.out.println("  each: " + Arrays.toString(times.stream().map(t -> String.format("%.2f", t)).toArray()));
            }
        }
    }

    private static JsonNode send(String method, String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + ": " + response.statusCode() + " " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }
}
