package io.miaobu.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.Platform;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.DomainPorts;
import io.miaobu.domains.EdgeHostnames;
import io.miaobu.local.DirectoryCertificateStore;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.ApiContract;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.TestPostgres;
import io.miaobu.http.server.JdkHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a careless or hostile client can send every endpoint of the API: generated path ids, query parameters,
 * headers and bodies (NUL, huge numbers, deep JSON, wrong types, unicode, bytes that are not UTF-8), from a
 * fixed seed so a failure reproduces. Every answer is below 500, and every error has the documented shape
 * {@code {"error": {"code", "message"}}}.
 */
class HostileInputTest {
    private static final List<String> ROUTES = List.of(
            "GET /api/v1/health", "GET /api/v1/auth/providers", "POST /api/v1/auth/register", "POST /api/v1/auth/login",
            "GET /api/v1/me", "GET /api/v1/projects", "POST /api/v1/projects", "GET /api/v1/projects/{project}",
            "PATCH /api/v1/projects/{project}", "DELETE /api/v1/projects/{project}",
            "GET /api/v1/projects/{project}/deployments", "POST /api/v1/projects/{project}/deployments",
            "POST /api/v1/projects/{project}/deployments/folder", "GET /api/v1/projects/{project}/env",
            "PUT /api/v1/projects/{project}/env", "GET /api/v1/projects/{project}/hooks", "POST /api/v1/projects/{project}/hooks",
            "DELETE /api/v1/projects/{project}/hooks/{hook}", "GET /api/v1/projects/{project}/domains",
            "POST /api/v1/projects/{project}/domains", "GET /api/v1/domains/{domain}", "POST /api/v1/domains/{domain}/verify",
            "DELETE /api/v1/domains/{domain}", "GET /api/v1/deployments/{deployment}", "GET /api/v1/deployments/{deployment}/logs",
            "GET /api/v1/deployments/{deployment}/logs/stream", "GET /api/v1/deployments/{deployment}/functions",
            "GET /api/v1/deployments/{deployment}/functions/logs", "GET /api/v1/deployments/{deployment}/functions/logs/stream",
            "POST /api/v1/deployments/{deployment}/promote",
            "POST /api/v1/deployments/{deployment}/cancel", "POST /api/v1/deployments/{deployment}/files",
            "PUT /api/v1/deployments/{deployment}/files/{sha256}", "POST /api/v1/deployments/{deployment}/complete",
            "GET /api/v1/github/repositories", "POST /api/v1/github/link", "POST /hooks/deploy/{token}", "POST /webhooks/github",
            "GET /api/v1/openapi.json", "GET /oauth/github/start", "GET /oauth/github/callback");

    private static final List<String> IDS = List.of("%00", "x%00y", "%ff%fe", "%C3%BC", "%F0%9F%98%80", "..", "%2e%2e",
            "9".repeat(40), "-1", "0", "%27%20OR%20%271%27%3D%271", "%27%3B--", "a".repeat(5000), "%0d%0aX-Injected:%201",
            "null", "%25", "%7Bid%7D", "%5C", "%20", "%E2%80%AE", "%C0%AF");

    private static final List<String> FIELDS = List.of("name", "gitUrl", "githubRepository", "productionBranch", "autoPublish",
            "installCommand", "buildCommand", "outputDirectory", "rootDirectory", "framework", "nodeVersion", "email",
            "password", "hostname", "branch", "commit", "key", "value", "target", "files", "path", "sha256", "size", "slug");

    @TempDir
    Path tmp;

    PostgresDatabase db;
    RouterClient api;
    final Map<String, String> ids = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        MiaobuConfig config = MiaobuConfig.fromEnv(Map.of("MIAOBU_DATA_DIR", tmp.toString(),
                "MIAOBU_BASE_DOMAIN", "miaobu.example.com", "MIAOBU_EDGE_TARGET", "edge.miaobu.example.com"));
        var router = Platform.assemble(config, SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)), db,
                        db.jobQueue(), new DiskArtifactStore(tmp.resolve("artifacts")), new FileRouteTable(tmp.resolve("routes")),
                        new RecordingCachePurger(), Clock.systemUTC())
                .domains(new DomainPorts((name, type) -> List.of(), new DirectoryCertificateStore(tmp.resolve("certificates")),
                        EdgeHostnames.NONE, CertificateIssuer.NOT_CONFIGURED, () -> {}))
                .build().router();
        api = RouterClient.checked(router);
        server = JdkHttpServer.start("127.0.0.1", 0, 32L << 20, router);
        api.token = api.ok("POST", "/api/v1/auth/register", "{\"email\":\"fuzz@example.com\",\"password\":\"correct horse\"}")
                .get("token").asText();
        String project = api.ok("POST", "/api/v1/projects", "{\"name\":\"Fuzz\",\"gitUrl\":\"https://example.com/a.git\"}").get("id").asText();
        ids.put("project", project);
        ids.put("deployment", api.ok("POST", "/api/v1/projects/" + project + "/deployments", "{}").get("id").asText());
        JsonNode folder = api.ok("POST", "/api/v1/projects/" + project + "/deployments/folder",
                "{\"files\":[{\"path\":\"index.html\",\"sha256\":\"" + "a".repeat(64) + "\",\"size\":1}]}");
        ids.put("folder", folder.path("id").asText(folder.path("deployment").path("id").asText()));
        ids.put("domain", api.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"www.example.net\"}").get("id").asText());
        JsonNode hook = api.ok("POST", "/api/v1/projects/" + project + "/hooks", "{\"name\":\"CMS\",\"branch\":\"main\"}");
        ids.put("hook", hook.get("id").asText());
        String url = hook.path("url").asText("");
        ids.put("token", url.substring(url.lastIndexOf('/') + 1));
        ids.put("sha256", "a".repeat(64));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        db.close();
    }

    JdkHttpServer server;

    /** Reply from the real HTTP server, over a socket: the request line, headers and body exactly as generated. */
    private RouterClient.Reply send(String method, String target, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            if (!headers.containsKey("Authorization")) {
                head.append("Authorization: Bearer ").append(api.token).append("\r\n");
            }
            headers.forEach((name, values) -> values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n")));
            if (!headers.containsKey("Content-Length")) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
                socket.getInputStream().transferTo(received);
            } catch (SocketException e) {
                // The server may answer (413, 400) and close before the whole body is sent: what it said counts.
                if (received.size() == 0) {
                    return new RouterClient.Reply(0, Map.of(), ("connection reset: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] answer = received.toByteArray();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) {
                return new RouterClient.Reply(0, Map.of(), ("not an HTTP answer: " + text).getBytes(StandardCharsets.UTF_8));
            }
            int status = Integer.parseInt(text.substring(9, 12));
            byte[] payload = java.util.Arrays.copyOfRange(answer, end + 4, answer.length);
            if (text.substring(0, end).toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                payload = new byte[0]; // streams (build logs) are not error answers
            }
            return new RouterClient.Reply(status, Map.of(), payload);
        }
    }

    @Test
    void the_routes_attacked_are_every_route_the_api_document_lists() {
        Set<String> documented = ApiContract.operations().stream().map(HostileInputTest::shape)
                .collect(Collectors.toCollection(TreeSet::new));
        // Served by the builder function (and local mode), which holds Git; not by the router under test here.
        documented.removeAll(Set.of("POST /api/v1/detect", "POST /api/v1/import/check"));
        assertThat(ROUTES.stream().map(HostileInputTest::shape).toList()).containsExactlyInAnyOrderElementsOf(documented);
    }

    /** A route with its parameters unnamed: the document says {id} where this test says {project}. */
    private static String shape(String route) {
        return route.replaceAll("\\{[^}]+\\}", "{}");
    }

    @Test
    void generated_requests_to_every_endpoint_get_a_4xx_with_an_error_body_never_a_5xx() throws IOException {
        Random random = new Random(16);
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 25; round++) {
            for (String route : ROUTES) {
                String method = route.substring(0, route.indexOf(' '));
                String target = fill(route.substring(route.indexOf(' ') + 1), random) + query(random);
                Map<String, List<String>> headers = headers(random);
                byte[] body = body(random);
                RouterClient.Reply reply = send(method, target, headers, body);
                String problem = problem(reply);
                if (problem != null) {
                    failures.add(method + " " + abbreviate(target) + " body " + abbreviate(new String(body, StandardCharsets.UTF_8))
                            + " headers " + abbreviate(headers.toString()) + ": " + problem);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private static final List<String> HOSTILE_VALUES = List.of("\"a\\u0000b\"", "\"" + "x".repeat(100_000) + "\"",
            "9223372036854775807", "1e400", "-1", "99999999999999999999999999999", "true", "null", "\"\\ud800\"",
            "\"ü😀\\u202e\"", "\" \"", "[]", "{}", "\"www\"", "\"../../etc\"");

    @Test
    void every_field_and_every_path_id_with_each_hostile_value_gets_a_4xx_never_a_5xx() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String route : ROUTES) {
            String method = route.substring(0, route.indexOf(' '));
            String pattern = route.substring(route.indexOf(' ') + 1);
            for (String id : IDS) {
                String target = pattern.replaceAll("\\{[a-z0-9]+\\}", java.util.regex.Matcher.quoteReplacement(id));
                record(failures, method, target, Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
            }
            if (method.equals("GET") || method.equals("DELETE")) {
                continue;
            }
            String real = pattern;
            for (var e : ids.entrySet()) {
                real = real.replace("{" + e.getKey() + "}", e.getValue());
            }
            for (String field : FIELDS) {
                for (String value : HOSTILE_VALUES) {
                    String json = "{\"" + field + "\":" + value + "}";
                    record(failures, method, real, Map.of("Content-Type", List.of("application/json")), json.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private void record(List<String> failures, String method, String target, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        String problem = problem(send(method, target, headers, body));
        if (problem != null) {
            failures.add(method + " " + abbreviate(target) + " body " + abbreviate(new String(body, StandardCharsets.UTF_8)) + ": " + problem);
        }
    }

    @Test
    void upload_frames_with_absurd_lengths_get_400() throws IOException {
        List<String> failures = new ArrayList<>();
        for (String length : List.of("9223372036854775807", "9223372036854775808", "-1", "2147483648", "1e3", "")) {
            byte[] frame = ("a".repeat(64) + " " + length + "\nx").getBytes(StandardCharsets.US_ASCII);
            RouterClient.Reply reply = send("POST", "/api/v1/deployments/" + ids.get("folder") + "/files",
                    Map.of("Content-Type", List.of("application/octet-stream")), frame);
            if (reply.status() != 400) {
                failures.add(length + ": " + reply);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void a_target_that_is_not_a_uri_gets_400() throws IOException {
        for (String target : List.of("/api/v1/projects/%zz", "/api/v1/projects/%", "/api/v1/projects?q=%")) {
            assertThat(send("GET", target, Map.of(), new byte[0]).status()).as(target).isEqualTo(400);
        }
    }

    private static String problem(RouterClient.Reply reply) {
        if (reply.status() >= 500 || reply.status() == 0) {
            return "answered " + abbreviate(reply.toString());
        }
        if (reply.status() >= 400) {
            JsonNode error;
            try {
                error = reply.json() == null ? null : reply.json().get("error");
            } catch (AssertionError e) {
                error = null;
            }
            if (error == null || !error.path("code").isTextual() || !error.path("message").isTextual()) {
                return "error without {\"error\": {\"code\", \"message\"}}: " + abbreviate(reply.toString());
            }
        }
        return null;
    }

    /** The real id (so the request reaches the handler's work) half the time, else a hostile one. */
    private String fill(String pattern, Random random) {
        StringBuilder out = new StringBuilder();
        for (String part : pattern.split("/", -1)) {
            if (!out.isEmpty() || !part.isEmpty()) {
                out.append(out.isEmpty() && part.isEmpty() ? "" : "/");
            }
            if (part.startsWith("{")) {
                String name = part.substring(1, part.length() - 1);
                boolean real = random.nextBoolean();
                String id = name.equals("deployment") && random.nextBoolean() ? ids.get("folder") : ids.get(name);
                out.append(real && id != null ? id : pick(IDS, random));
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }

    private static String query(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "?limit=" + pick(List.of("-1", "0", "99999999999999999999", "1e400", "abc", "%00", ""), random);
            case 1 -> "?cursor=" + pick(IDS, random) + "&before=" + pick(IDS, random);
            case 2 -> "?q=" + pick(IDS, random) + "&page=" + pick(List.of("-5", "NaN", "9223372036854775808"), random);
            case 3 -> "?after=" + pick(List.of("0", "-1", "99999999999999999999", "%00"), random);
            default -> "";
        };
    }

    private static Map<String, List<String>> headers(Random random) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(pick(List.of("application/json", "text/plain", "application/json; charset=latin1",
                "multipart/form-data; boundary=x", "", "application/octet-stream"), random)));
        switch (random.nextInt(8)) {
            case 0 -> headers.put("Authorization", List.of(pick(List.of("Bearer ", "Bearer x.y.z", "Basic abc", "Bearer \u0000",
                    "bearer " + "A".repeat(10_000), "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), random)));
            case 1 -> headers.put("X-Hub-Signature-256", List.of("sha256=" + "0".repeat(64)));
            case 2 -> headers.put("X-GitHub-Event", List.of(pick(List.of("push", "ping", "pull_request", "\u0000"), random)));
            default -> { }
        }
        return headers;
    }

    private static byte[] body(Random random) {
        String text = switch (random.nextInt(10)) {
            case 0 -> "";
            case 1 -> pick(List.of("null", "[]", "{}", "123", "\"text\"", "true", "{", "{\"a\":}", "\u0000"), random);
            case 2 -> "[".repeat(5000) + "]".repeat(5000);
            case 3 -> "{\"a\":".repeat(3000) + "1" + "}".repeat(3000);
            case 4 -> null; // bytes that are not UTF-8
            default -> object(random);
        };
        if (text == null) {
            return new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, '"', '}'};
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String object(Random random) {
        StringBuilder json = new StringBuilder("{");
        int fields = 1 + random.nextInt(4);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"').append(pick(FIELDS, random)).append("\":").append(value(random, 0));
        }
        return json.append('}').toString();
    }

    private static String value(Random random, int depth) {
        return switch (random.nextInt(depth > 2 ? 12 : 14)) {
            case 0 -> "\"a\\u0000b\"";
            case 1 -> "\"" + "x".repeat(100_000) + "\"";
            case 2 -> "9223372036854775807";
            case 3 -> "1e400";
            case 4 -> "-1";
            case 5 -> "99999999999999999999999999999";
            case 6 -> "true";
            case 7 -> "null";
            case 8 -> "\"\\ud800\"";
            case 9 -> "\"ü😀\\u202e\"";
            case 10 -> "\"main\"";
            case 11 -> "\" \"";
            case 12 -> "[" + value(random, depth + 1) + "," + value(random, depth + 1) + "]";
            default -> "{\"" + pick(FIELDS, random) + "\":" + value(random, depth + 1) + "}";
        };
    }

    private static <T> T pick(List<T> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }
}
