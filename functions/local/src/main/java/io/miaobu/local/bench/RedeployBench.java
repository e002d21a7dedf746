package io.miaobu.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.http.Json;
import io.miaobu.local.cli.MiaobuCli;
import io.miaobu.local.host.LocalHost;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ./miaobu bench redeploy [files=10000] [changed=10]}: a folder of that many files deployed
 * with {@code ./miaobu deploy} to a local host, then deployed again with a few files changed. The
 * second deploy must upload exactly the changed files' bytes; both deploy times are reported
 * (hashing, the API calls, uploads and the server-side copies, as the user waits for them).
 */
public final class RedeployBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RedeployBench() {}

    public static void main(String[] args) throws Exception {
        int fileCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int changed = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path work = Files.createTempDirectory("miaobu-redeploy-bench");
        try {
            run(work, fileCount, changed);
        } finally {
            Bench.deleteTree(work);
        }
    }

    private static void run(Path work, int fileCount, int changed) throws Exception {
        Path site = work.resolve("site");
        for (int i = 0; i < fileCount; i++) {
            Path file = site.resolve("pages/" + (i % 100) + "/page-" + i + ".html");
            Files.createDirectories(file.getParent());
            Files.writeString(file, ("<p>page " + i + " of the benchmark site</p>\n").repeat(8 + i % 50));
        }
        Map<String, String> env = new HashMap<>(Map.of("MIAOBU_PORT", "0", "MIAOBU_DATA_DIR", work.resolve("data").toString(),
                "MIAOBU_MAX_OUTPUT_FILES", String.valueOf(Math.max(20_000, fileCount + 1))));
        String dbUrl = System.getenv("MIAOBU_DATABASE_URL");
        if (dbUrl != null) {
            env.put("MIAOBU_DATABASE_URL", dbUrl);
        }
        try (LocalHost host = LocalHost.start(MiaobuConfig.fromEnv(env))) {
            String api = "http://127.0.0.1:" + host.port();
            String token = post(api + "/api/v1/auth/register", "{\"email\":\"bench@example.com\",\"password\":\"benchmark-password\"}")
                    .get("token").asText();
            Map<String, String> cliEnv = Map.of("MIAOBU_API_URL", api, "MIAOBU_TOKEN", token);

            double first = deploy(site, cliEnv);
            JsonNode firstStats = latest(api, token).get("stats");

            long changedBytes = 0;
            for (int i = 0; i < changed; i++) {
                int n = (int) ((long) i * fileCount / changed);
                Path file = site.resolve("pages/" + (n % 100) + "/page-" + n + ".html");
                Files.writeString(file, "<p>changed in the second deploy</p>\n", java.nio.file.StandardOpenOption.APPEND);
                changedBytes += Files.size(file);
            }
            double second = deploy(site, cliEnv);
            JsonNode secondStats = latest(api, token).get("stats");

            System.out.printf("redeploy of a %,d-file folder (%s) through ./miaobu deploy to a local host%n", fileCount,
                    human(firstStats.get("bytes").asLong()));
            System.out.printf("  first deploy:  %6.2fs, uploaded %,d files (%s)%n", first,
                    firstStats.get("uploadedFiles").asLong(), human(firstStats.get("uploadedBytes").asLong()));
            System.out.printf("  second deploy: %6.2fs, uploaded %,d files (%,d bytes), reused %,d files; %d files changed, %,d bytes%n",
                    second, secondStats.get("uploadedFiles").asLong(), secondStats.get("uploadedBytes").asLong(),
                    secondStats.get("files").asLong() - secondStats.get("uploadedFiles").asLong(), changed, changedBytes);
            boolean exact = secondStats.get("uploadedBytes").asLong() == changedBytes
                    && secondStats.get("uploadedFiles").asLong() == changed;
            System.out.println("  bytes uploaded on the second deploy " + (exact ? "= the changed files' bytes only"
                    : "DIFFER from the changed files' bytes"));
            if (!exact) {
                System.exit(1);
            }
        }
    }

    private static double deploy(Path site, Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit = MiaobuCli.run(new String[] {"deploy", site.toString(), "--project", "bench", "--prod"}, env,
                InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("deploy failed: " + err.toString(StandardCharsets.UTF_8));
        }
        return seconds;
    }

    private static JsonNode latest(String api, String token) throws Exception {
        JsonNode projects = send(HttpRequest.newBuilder(URI.create(api + "/api/v1/projects")).header("authorization", "Bearer " + token));
        String id = projects.get(0).get("id").asText();
        return send(HttpRequest.newBuilder(URI.create(api + "/api/v1/projects/" + id + "/deployments"))
                .header("authorization", "Bearer " + token)).get(0);
    }

    private static JsonNode post(String url, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    private static String human(long bytes) {
        return bytes < 1024 * 1024 ? String.format("%.1f KiB", bytes / 1024.0) : String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
