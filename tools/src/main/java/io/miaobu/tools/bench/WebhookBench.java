package io.miaobu.tools.bench;

import io.miaobu.Ids;
import io.miaobu.Platform;
import io.miaobu.auth.User;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.github.RepositoryLink;
import io.miaobu.github.WebhookSignature;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.http.SimpleRequest;
import io.miaobu.http.server.JdkHttpServer;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.local.host.EmbeddedDatabase;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.projects.Project;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./miaobu bench webhook [deliveries=1000]}: GitHub webhook intake as the webhook function
 * runs it (the shared router on the JDK server, PostgreSQL with fsync on, no builders), fed signed
 * push deliveries of GitHub's payload shape over HTTP one after another. Prints the latency
 * percentiles, then what checking X-Hub-Signature-256 costs at several body sizes.
 */
final class WebhookBench {
    private static final String SECRET = "bench-webhook-secret-0123456789abcdef";
    private static final int WARMUP = 200;
    private static final int BRANCHES = 10;

    private WebhookBench() {}

    static void run(Path work, int deliveries) throws Exception {
        Path data = work.resolve("webhook-data");
        String dbUrl = System.getenv("MIAOBU_DATABASE_URL");
        EmbeddedDatabase embedded = dbUrl == null ? EmbeddedDatabase.start(data) : null;
        try (PostgresDatabase db = dbUrl != null ? PostgresDatabase.connect(dbUrl) : embedded.connect()) {
            Map<String, String> env = new HashMap<>(Map.of("MIAOBU_DATA_DIR", data.toString(),
                    "MIAOBU_GITHUB_WEBHOOK_SECRET", SECRET));
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Platform platform = Platform.assemble(MiaobuConfig.fromEnv(env), SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)),
                    db, db.jobQueue(), new DiskArtifactStore(data.resolve("artifacts")), new FileRouteTable(data.resolve("routes")),
                    new RecordingCachePurger(), Clock.systemUTC()).build();
            long repositoryId = 700_000_000L + new SecureRandom().nextInt(1_000_000);
            linkedProject(db, repositoryId);
            Router router = platform.router();
            byte[] template = Files.readAllBytes(payloadTemplate());
            WebhookSignature signature = new WebhookSignature(SECRET);
            int size = push(template, repositoryId, "main", sha()).length;
            System.out.printf("webhook intake: %d signed push deliveries of GitHub's shape (%d B; %d warm-up first), one at a time,%n"
                    + "each verified, recorded, matched to its project and queued (canceling its branch's older queued build):%n",
                    deliveries, size, WARMUP);
            try (JdkHttpServer server = JdkHttpServer.start("127.0.0.1", 0, 32L << 20, router)) {
                URI target = URI.create("http://127.0.0.1:" + server.port() + "/webhooks/github");
                HttpClient http = HttpClient.newHttpClient();
                report("over HTTP (JDK client -> JDK server)", deliveries, (delivery, body, signed) -> {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(target)
                            .header("content-type", "application/json")
                            .header("x-github-event", "push")
                            .header("x-github-delivery", delivery)
                            .header("x-hub-signature-256", signed)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                    return response.statusCode() + " " + response.body();
                }, template, repositoryId, signature);
            }
            report("in the router (no sockets)", deliveries, (delivery, body, signed) -> {
                Response response = router.handle(new SimpleRequest("POST", "/webhooks/github", Map.of(
                        "content-type", List.of("application/json"), "x-github-event", List.of("push"),
                        "x-github-delivery", List.of(delivery), "x-hub-signature-256", List.of(signed)), body));
                return response.status() + " " + new String(response.body(), StandardCharsets.UTF_8);
            }, template, repositoryId, signature);
            signatureCost(signature, size);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    @FunctionalInterface
    private interface Sender {
        /** Sends one delivery; answers "status body". */
        String send(String deliveryId, byte[] body, String signature) throws Exception;
    }

    private static void report(String how, int deliveries, Sender sender, byte[] template, long repositoryId,
                               WebhookSignature signature) throws Exception {
        List<Long> latencies = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < WARMUP + deliveries; i++) {
            if (i == WARMUP) {
                started = System.nanoTime();
            }
            byte[] body = push(template, repositoryId, "feature-" + (i % BRANCHES), sha());
            String signed = signature.sign(body);
            long t0 = System.nanoTime();
            String answer = sender.send(UUID.randomUUID().toString(), body, signed);
            long t1 = System.nanoTime();
            if (!answer.startsWith("200 ") || !answer.contains("\"QUEUED\"")) {
                throw new IllegalStateException("delivery " + i + " answered " + answer);
            }
            if (i >= WARMUP) {
                latencies.add(t1 - t0);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("  %-38s p50 %6.2f ms, p90 %6.2f ms, p99 %6.2f ms, max %6.2f ms; %4.0f deliveries/s%n", how + ":",
                ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)),
                ms(sorted[sorted.length - 1]), deliveries / seconds);
    }

    /** The median time of WebhookSignature.verify (HMAC-SHA256 + constant-time compare) per body size. */
    private static void signatureCost(WebhookSignature signature, int typicalSize) {
        System.out.println("signature check (HMAC-SHA256 of the raw body + constant-time compare), median of repeated runs:");
        for (int size : new int[] {typicalSize, 64 * 1024, 1024 * 1024, 25 * 1024 * 1024}) {
            byte[] body = new byte[size];
            new SecureRandom().nextBytes(body);
            String header = signature.sign(body);
            int runs = size >= 1 << 20 ? 20 : 20_000;
            long[] times = new long[runs];
            for (int warm = 0; warm < Math.min(runs, 2000); warm++) {
                signature.verify(body, header);
            }
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                if (!signature.verify(body, header)) {
                    throw new IllegalStateException("signature did not verify");
                }
                times[r] = System.nanoTime() - t0;
            }
            Arrays.sort(times);
            long median = times[runs / 2];
            System.out.printf("  %9s: %10.1f µs  (%.0f MB/s)%n", human(size), median / 1e3, size / (median / 1e9) / 1e6);
        }
    }

    private static void linkedProject(PostgresDatabase db, long repositoryId) {
        Instant now = Instant.now();
        User user = new User(Ids.user(), "bench-" + repositoryId + "@example.com", null, now);
        db.users().insert(user);
        Project project = new Project(Ids.project(), user.id(), "bench", "bench-" + repositoryId, "https://github.com/octo-org/site.git",
                "octo-org/site", "main", null, null, null, null, true, null, now, now);
        db.projects().insert(project);
        db.github().saveLink(new RepositoryLink(project.id(), repositoryId, "octo-org/site", 1L, now));
    }

    private static byte[] push(byte[] template, long repositoryId, String branch, String sha) {
        String text = new String(template, StandardCharsets.UTF_8)
                .replace("\"id\": 700100200", "\"id\": " + repositoryId)
                .replace("refs/heads/main", "refs/heads/" + branch)
                .replace("SHA", sha);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** GitHub's push payload shape, the one the tests use (./miaobu runs from the repository's root). */
    private static Path payloadTemplate() {
        Path file = Path.of("shared/testkit/src/main/resources/github/push.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("run the bench from the repository's root (./miaobu bench webhook): " + file + " not found");
        }
        return file;
    }

    private static String sha() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String human(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes >= 1024 ? (bytes >> 10) + " KiB" : bytes + " B";
    }
}
