package io.miaobu.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.json.Json;
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
 *
 * <p>{@code ./miaobu bench redeploy git [files=1000] [changed=1]}: the same through a Git build (a
 * repository of plain HTML, built and released by the builder): the second build must store only the
 * changed files' bytes too, because both paths store content through the same ContentStore.
 */
public final class RedeployBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RedeployBench() {}

    public static void main(String[] args) throws Exception {
        boolean git = args.length > 0 && args[0].equals("git");
        String[] numbers = git ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        int fileCount = numbers.length > 0 ? Integer.parseInt(numbers[0]) : git ? 1_000 : 10_000;
        int changed = numbers.length > 1 ? Integer.parseInt(numbers[1]) : git ? 1 : 10;
        Path work = Files.createTempDirectory("miaobu-redeploy-bench");
        try {
            if (git) {
                runGit(work, fileCount, changed);
            } else {
                run(work, fileCount, changed);
            }
        } finally {
            Bench.deleteTree(work);
        }
    }

    private static void writeSite(Path site, int fileCount) throws java.io.IOException {
        for (int i = 0; i < fileCount; i++) {
            Path file = site.resolve("pages/" + (i % 100) + "/page-" + i + ".html");
            Files.createDirectories(file.getParent());
            Files.writeString(file, ("<p>page " + i + " of the benchmark site</p>\n").repeat(8 + i % 50));
        }
    }

    /** Appends a line to {@code changed} files spread over the site; returns their new sizes in all. */
    private static long change(Path site, int fileCount, int changed) throws java.io.IOException {
        long changedBytes = 0;
        for (int i = 0; i < changed; i++) {
            int n = (int) ((long) i * fileCount / changed);
            Path file = site.resolve("pages/" + (n % 100) + "/page-" + n + ".html");
            Files.writeString(file, "<p>changed in the second deploy</p>\n", java.nio.file.StandardOpenOption.APPEND);
            changedBytes += Files.size(file);
        }
        return changedBytes;
    }

    private static Map<String, String> hostEnv(Path work, int fileCount) {
        Map<String, String> env = new HashMap<>(Map.of("MIAOBU_PORT", "0", "MIAOBU_DATA_DIR", work.resolve("data").toString(),
                "MIAOBU_MAX_OUTPUT_FILES", String.valueOf(Math.max(20_000, fileCount + 1))));
        String dbUrl = System.getenv("MIAOBU_DATABASE_URL");
        if (dbUrl != null) {
            env.put("MIAOBU_DATABASE_URL", dbUrl);
        }
        return env;
    }

    private static void runGit(Path work, int fileCount, int changed) throws Exception {
        Path repo = work.resolve("repo");
        writeSite(repo, fileCount);
        Files.writeString(repo.resolve("index.html"), "<h1>benchmark site</h1>\n");
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            commit(git, "first");
            try (LocalHost host = LocalHost.start(MiaobuConfig.fromEnv(hostEnv(work, fileCount)))) {
                String api = "http://127.0.0.1:" + host.port();
                String token = post(api + "/api/v1/auth/register", "{\"email\":\"bench@example.com\",\"password\":\"benchmark-password\"}", null)
                        .get("token").asText();
                String project = post(api + "/api/v1/projects", Json.writeString(Map.of("name", "bench", "gitUrl", repo.toString())), token)
                        .get("id").asText();
                double first = build(api, token, project);
                JsonNode firstStats = latest(api, token).get("stats");
                long changedBytes = change(repo, fileCount, changed);
                commit(git, "second");
                double second = build(api, token, project);
                JsonNode secondStats = latest(api, token).get("stats");
                report("a Git build of a " + String.format("%,d", fileCount) + "-file site", first, firstStats, second, secondStats,
                        changed, changedBytes);
            }
        }
    }

    private static void commit(org.eclipse.jgit.api.Git git, String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(message).setAuthor("Bench", "bench@example.com").setCommitter("Bench", "bench@example.com")
                .setSign(false).call();
    }

    /** Queues a build of the production branch and waits for it; seconds from the request to READY. */
    private static double build(String api, String token, String project) throws Exception {
        long start = System.nanoTime();
        String id = post(api + "/api/v1/projects/" + project + "/deployments", "{}", token).get("id").asText();
        while (true) {
            JsonNode d = send(HttpRequest.newBuilder(URI.create(api + "/api/v1/deployments/" + id)).header("authorization", "Bearer " + token));
            String status = d.get("status").asText();
            if (status.equals("READY")) {
                return (System.nanoTime() - start) / 1e9;
            }
            if (status.equals("FAILED") || status.equals("CANCELED")) {
                throw new IllegalStateException("the build ended " + status + ": " + d.path("error").asText());
            }
            Thread.sleep(20);
        }
    }

    private static void run(Path work, int fileCount, int changed) throws Exception {
        Path site = work.resolve("site");
        writeSite(site, fileCount);
        Map<String, String> env = hostEnv(work, fileCount);
        try (LocalHost host = LocalHost.start(MiaobuConfig.fromEnv(env))) {
            String api = "http://127.0.0.1:" + host.port();
            String token = post(api + "/api/v1/auth/register", "{\"email\":\"bench@example.com\",\"password\":\"benchmark-password\"}", null)
                    .get("token").asText();
            Map<String, String> cliEnv = Map.of("MIAOBU_API_URL", api, "MIAOBU_TOKEN", token);

            double first = deploy(site, cliEnv);
            JsonNode firstStats = latest(api, token).get("stats");

            long changedBytes = change(site, fileCount, changed);
            double second = deploy(site, cliEnv);
            JsonNode secondStats = latest(api, token).get("stats");
            report("a " + String.format("%,d", fileCount) + "-file folder through ./miaobu deploy", first, firstStats, second, secondStats,
                    changed, changedBytes);
        }
    }

    private static void report(String what, double first, JsonNode firstStats, double second, JsonNode secondStats, int changed,
                               long changedBytes) {
        System.out.printf("redeploy of %s (%s) to a local host%n", what, human(firstStats.get("bytes").asLong()));
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

    private static JsonNode post(String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        return send(token == null ? request : request.header("authorization", "Bearer " + token));
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
