package io.miaobu.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.json.Json;
import io.miaobu.local.host.LocalHost;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;

/**
 * {@code ./miaobu bench}: the platform's own cost, apart from the user's build.
 * <ul>
 *   <li>deploy overhead: "create deployment" to "live", minus the user's install + build time, for a
 *   1,000-file site (median of several redeploys, each with one changed file);</li>
 *   <li>start-up: a fresh {@code java -jar} of the local host to its first answered API request and
 *   first request served by the edge, on a new and on an existing data directory.</li>
 *   <li>{@code ./miaobu bench webhook [deliveries]}: GitHub webhook intake latency and the cost of
 *   signature checking ({@link WebhookBench}).</li>
 * </ul>
 */
public final class Bench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("webhook")) {
            Path work = Files.createTempDirectory("miaobu-bench-webhook");
            try {
                WebhookBench.run(work, args.length > 1 ? Integer.parseInt(args[1]) : 1000);
            } finally {
                deleteTree(work);
            }
            return;
        }
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path work = Files.createTempDirectory("miaobu-bench");
        try {
            // The sandbox's cost, measured in one run: a uid alone (what builds had before namespaces) against the
            // full sandbox (bubblewrap namespaces where the machine allows them).
            // A first pass warms the JVM (JGit, the HTTP stack), so neither mode pays for it.
            deployOverhead(work, files, 1, "auto", "warm-up");
            double uidOnly = deployOverhead(work, files, rounds, "uid", "uid");
            double full = deployOverhead(work, files, rounds, "auto", "namespaces");
            System.out.printf("sandbox cost: deploy-to-live median %.2fs with namespaces vs %.2fs with a uid alone (x%.2f)%n",
                    full, uidOnly, full / uidOnly);
            SandboxBench.run(work, 20);
            startup(work);
        } finally {
            deleteTree(work);
        }
    }

    /** @return the median deploy-to-live time */
    private static double deployOverhead(Path work, int fileCount, int rounds, String sandbox, String label) throws Exception {
        Path repoDir = work.resolve("site-" + label);
        Files.createDirectories(repoDir.resolve("src/pages"));
        for (int i = 0; i < fileCount - 1; i++) {
            Files.writeString(repoDir.resolve("src/pages/page-" + i + ".html"), "<p>page " + i + "</p>\n".repeat(20));
        }
        Files.writeString(repoDir.resolve("src/index.html"), "<h1>round 0</h1>");
        Files.writeString(repoDir.resolve("package.json"), "{\"name\":\"bench\",\"private\":true,\"scripts\":{\"build\":\"node build.js\"}}");
        Files.writeString(repoDir.resolve("build.js"), "require('fs').cpSync('src', 'dist', { recursive: true });");
        try (Git git = Git.init().setDirectory(repoDir.toFile()).setInitialBranch("main").call()) {
            commitAll(git, "bench site");
            String dbUrl = System.getenv("MIAOBU_DATABASE_URL");
            var env = new java.util.HashMap<String, String>(Map.of("MIAOBU_PORT", "0",
                    "MIAOBU_DATA_DIR", work.resolve("data-" + label).toString(), "MIAOBU_BUILD_SANDBOX", sandbox));
            if (dbUrl != null) {
                env.put("MIAOBU_DATABASE_URL", dbUrl);
            }
            try (LocalHost host = LocalHost.start(MiaobuConfig.fromEnv(env))) {
                String base = "http://127.0.0.1:" + host.port();
                String token = post(base + "/api/v1/auth/register", null,
                        "{\"email\":\"bench@example.com\",\"password\":\"benchmark-password\"}").get("token").asText();
                String projectId = post(base + "/api/v1/projects", token,
                        "{\"name\":\"bench\",\"gitUrl\":\"" + repoDir + "\"}").get("id").asText();
                List<Double> overheads = new ArrayList<>();
                List<Double> totals = new ArrayList<>();
                for (int round = 0; round <= rounds; round++) {
                    Files.writeString(repoDir.resolve("src/index.html"), "<h1>round " + round + "</h1>");
                    commitAll(git, "round " + round);
                    long start = System.nanoTime();
                    String id = post(base + "/api/v1/projects/" + projectId + "/deployments", token, "{}").get("id").asText();
                    awaitLive(base, token, projectId, id);
                    double total = (System.nanoTime() - start) / 1e9;
                    double user = userBuildSeconds(base, token, id);
                    if (round > 0) { // round 0 warms the JVM and npm's cache, as a running platform would be
                        totals.add(total);
                        overheads.add(total - user);
                    }
                    System.out.printf("  deploy %d: total %.2fs, user install+build %.2fs, platform %.2fs (%s)%n",
                            round, total, user, total - user, phases(base, token, id));
                }
                System.out.printf("deploy overhead (%d files, median of %d, %s): %.2fs of %.2fs total%n",
                        fileCount, rounds, label, median(overheads), median(totals));
                return median(totals);
            }
        }
    }

    private static void startup(Path work) throws Exception {
        Path data = work.resolve("startup-data");
        for (String label : new String[] {"new data directory", "existing data directory"}) {
            int port = freePort();
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jarPath()).redirectErrorStream(true).redirectOutput(work.resolve("startup.log").toFile());
            pb.environment().put("MIAOBU_PORT", String.valueOf(port));
            pb.environment().put("MIAOBU_DATA_DIR", data.toString());
            long start = System.nanoTime();
            Process p = pb.start();
            try {
                double api = awaitStatus("http://127.0.0.1:" + port + "/api/v1/health", null, start);
                double site = awaitStatus("http://127.0.0.1:" + port + "/", "bench.localhost:" + port, start);
                System.out.printf("local host start (%s): first API answer %.2fs, first edge answer %.2fs%n", label, api, site);
            } finally {
                p.destroy();
                p.waitFor();
            }
        }
    }

    private static double awaitStatus(String url, String host, long start) throws Exception {
        while (System.nanoTime() - start < Duration.ofSeconds(120).toNanos()) {
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
                if (host != null) {
                    req.header("host", host);
                }
                int status = HTTP.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 503) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no answer from " + url + " within 120s");
    }

    /** Seconds between each user step's start and its "finished" line, from the log's timestamps. */
    private static double userBuildSeconds(String base, String token, String id) throws Exception {
        JsonNode lines = get(base + "/api/v1/deployments/" + id + "/logs", token).get("lines");
        double seconds = 0;
        Instant stepStart = null;
        for (JsonNode line : lines) {
            String text = line.get("text").asText();
            Instant ts = Instant.parse(line.get("ts").asText());
            if (line.get("stream").asText().equals("system") && (text.startsWith("Install: ") || text.startsWith("Build: "))) {
                stepStart = ts;
            } else if (stepStart != null && text.matches("(Install|Build) finished in .*")) {
                seconds += Duration.between(stepStart, ts).toNanos() / 1e9;
                stepStart = null;
            }
        }
        return seconds;
    }

    /** Where the platform's time went: queue wait, clone, upload, from the deployment and its log. */
    private static String phases(String base, String token, String id) throws Exception {
        JsonNode d = get(base + "/api/v1/deployments/" + id, token);
        Instant created = Instant.parse(d.get("createdAt").asText());
        Instant started = Instant.parse(d.get("startedAt").asText());
        Instant cloneStart = null, cloneEnd = null, uploadStart = null, ready = null;
        for (JsonNode line : get(base + "/api/v1/deployments/" + id + "/logs", token).get("lines")) {
            String text = line.get("text").asText();
            Instant ts = Instant.parse(line.get("ts").asText());
            if (text.startsWith("Cloning ")) cloneStart = ts;
            else if (text.startsWith("Checked out ")) cloneEnd = ts;
            else if (text.startsWith("Uploading ")) uploadStart = ts;
            else if (text.startsWith("Deployment ready")) ready = ts;
        }
        return String.format("queue %.2fs, clone %.2fs, upload %.2fs", secs(created, started), secs(cloneStart, cloneEnd),
                secs(uploadStart, ready));
    }

    private static double secs(Instant a, Instant b) {
        return a == null || b == null ? Double.NaN : Duration.between(a, b).toNanos() / 1e9;
    }

    static void awaitLive(String base, String token, String projectId, String deploymentId) throws Exception {
        while (true) {
            JsonNode d = get(base + "/api/v1/deployments/" + deploymentId, token);
            if (d.get("status").asText().equals("FAILED")) {
                throw new IllegalStateException("bench deployment failed: " + d.get("error"));
            }
            if (deploymentId.equals(get(base + "/api/v1/projects/" + projectId, token).path("liveDeploymentId").asText())) {
                return;
            }
            Thread.sleep(20);
        }
    }

    static JsonNode post(String url, String token, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    static JsonNode get(String url, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), token);
    }

    private static JsonNode send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    static void commitAll(Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(message).setAuthor("bench", "bench@example.com").setCommitter("bench", "bench@example.com")
                .setSign(false).call();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The local jar (the one ./miaobu dev runs), which carries LocalHost: not the tools jar this runs from. */
    private static String jarPath() throws Exception {
        return Path.of(LocalHost.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
