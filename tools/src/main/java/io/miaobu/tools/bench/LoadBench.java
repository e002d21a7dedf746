package io.miaobu.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.http.RequestBody;
import io.miaobu.local.host.LocalHost;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;

/**
 * {@code ./miaobu bench load [--url URL] [--seconds 30] [--clients 20] [--slow 1000] [--deploys 3]}: how the
 * platform holds under traffic, on loopback.
 * <ul>
 *   <li>Mixed workload: {@code clients} clients for {@code seconds} seconds reading and writing through the API
 *   (project list, a project, its deployments, logs, a build log stream, settings writes), requesting the site's
 *   pages and assets, while a few deployments build; throughput, p50/p99 and errors per route.</li>
 *   <li>Slow clients: {@code slow} connections that stay open doing nothing useful (a third connected and silent,
 *   a third half-way through their headers, a third one byte into a 100-byte body), and during them health
 *   checks and site requests, one after another; their p50/p99/max and errors. A server whose threads the slow
 *   clients hold answers late or not at all.</li>
 * </ul>
 * Without {@code --url} it starts a local host of its own on a fresh data directory; with it, it measures a
 * running one (for instance an older build, to compare).
 */
public final class LoadBench {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private LoadBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("seconds", "30", "clients", "20", "slow", "1000", "deploys", "3",
                "probe-seconds", "15"));
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: bench load [--url URL] [--seconds N] [--clients N] [--slow N]"
                        + " [--deploys N] [--probe-seconds N]; got " + args[i]);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        Path work = Files.createTempDirectory("miaobu-load-bench");
        try {
            if (opts.containsKey("url")) {
                run(opts.get("url"), work, opts);
            } else {
                Map<String, String> env = new HashMap<>(Map.of("MIAOBU_PORT", "0", "MIAOBU_DATA_DIR", work.resolve("data").toString()));
                String dbUrl = System.getenv("MIAOBU_DATABASE_URL");
                if (dbUrl != null) {
                    env.put("MIAOBU_DATABASE_URL", dbUrl);
                }
                try (LocalHost host = LocalHost.start(MiaobuConfig.fromEnv(env))) {
                    run("http://127.0.0.1:" + host.port(), work, opts);
                }
            }
        } finally {
            Bench.deleteTree(work);
        }
    }

    private record Site(String api, String token, String projectId, String deploymentId, String host, Path repo, Git git) {}

    private static void run(String api, Path work, Map<String, String> opts) throws Exception {
        Site site = setUp(api, work);
        System.out.printf("load bench against %s, site %s, %d cores%n", api, site.host(), Runtime.getRuntime().availableProcessors());
        mixed(site, Integer.parseInt(opts.get("clients")), Integer.parseInt(opts.get("seconds")), Integer.parseInt(opts.get("deploys")));
        slowClients(site, Integer.parseInt(opts.get("slow")), Integer.parseInt(opts.get("probe-seconds")));
        site.git().close();
    }

    private static Site setUp(String api, Path work) throws Exception {
        Path repo = work.resolve("site");
        Files.createDirectories(repo.resolve("assets"));
        Files.writeString(repo.resolve("index.html"), "<!doctype html><h1>load bench</h1>" + "<p>text</p>".repeat(200));
        Files.writeString(repo.resolve("404.html"), "<!doctype html><h1>not here</h1>");
        Files.writeString(repo.resolve("assets/app-3f9a1b2c.js"), "console.log('bench');\n".repeat(400));
        Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
        Bench.commitAll(git, "load bench site");
        String email = "load-" + System.nanoTime() + "@example.com";
        String token = call("POST", api + "/api/v1/auth/register", null,
                "{\"email\":\"" + email + "\",\"password\":\"load-bench-password\"}").get("token").asText();
        String slug = "load-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        JsonNode project = call("POST", api + "/api/v1/projects", token, "{\"name\":\"" + slug + "\",\"gitUrl\":\"" + repo + "\"}");
        String projectId = project.get("id").asText();
        String deploymentId = deployAndWait(api, token, projectId);
        String port = URI.create(api).getPort() < 0 ? "" : ":" + URI.create(api).getPort();
        return new Site(api, token, projectId, deploymentId, project.get("slug").asText() + ".localhost" + port, repo, git);
    }

    private static String deployAndWait(String api, String token, String projectId) throws Exception {
        String id = call("POST", api + "/api/v1/projects/" + projectId + "/deployments", token, "{}").get("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            String status = call("GET", api + "/api/v1/deployments/" + id, token, null).get("status").asText();
            if (status.equals("READY")) {
                return id;
            }
            if (status.equals("FAILED") || status.equals("CANCELED")) {
                throw new IllegalStateException("the bench site's deployment " + id + " ended " + status);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the bench site's deployment " + id + " was not READY within 5 minutes");
    }

    /** Latencies (ns) and errors of one route. */
    private static final class Stats {
        final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());

        void time(Supplier<Integer> call, int expected) {
            long start = System.nanoTime();
            int status;
            try {
                status = call.get();
            } catch (RuntimeException e) {
                errors.add(e.getCause() != null ? e.getCause().toString() : e.toString());
                return;
            }
            long took = System.nanoTime() - start;
            if (status != expected) {
                errors.add("status " + status);
            } else {
                nanos.add(took);
            }
        }

        String line(String route, double seconds) {
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            return String.format("  %-40s %7.1f req/s  p50 %6.1f ms  p99 %7.1f ms  max %7.1f ms  errors %d%s", route,
                    sorted.size() / seconds, pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 1.0), errors.size(),
                    errors.isEmpty() ? "" : " (first: " + errors.get(0) + ")");
        }
    }

    private static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
    }

    private static void mixed(Site site, int clients, int seconds, int deploys) throws Exception {
        Map<String, Stats> stats = new TreeMap<>();
        for (String route : List.of("GET /api/v1/projects", "GET /api/v1/projects/{id}", "GET /api/v1/projects/{id}/deployments",
                "GET /api/v1/deployments/{id}/logs", "GET /api/v1/deployments/{id}/logs/stream", "PUT /api/v1/projects/{id}/env",
                "PATCH /api/v1/projects/{id}", "GET site /", "GET site /assets/app-3f9a1b2c.js", "GET site /missing (404.html)",
                "POST /api/v1/projects/{id}/deployments")) {
            stats.put(route, new Stats());
        }
        String api = site.api();
        String p = api + "/api/v1/projects/" + site.projectId();
        String d = api + "/api/v1/deployments/" + site.deploymentId();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        List<Future<?>> running = new ArrayList<>();
        List<String> deployments = Collections.synchronizedList(new ArrayList<>());
        running.add(pool.submit(() -> {
            for (int i = 0; i < deploys; i++) {
                sleep(seconds * 1000L / (deploys + 1));
                stats.get("POST /api/v1/projects/{id}/deployments").time(() -> {
                    HttpResponse<String> r = send("POST", p + "/deployments", site.token(), "{}", null);
                    if (r.statusCode() == 201) {
                        deployments.add(RequestBody.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class).get("id").asText());
                    }
                    return r.statusCode();
                }, 201);
            }
            return null;
        }));
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int count = 0;
                while (System.nanoTime() < end) {
                    int roll = random.nextInt(100);
                    int n = ++count;
                    if (roll < 25) {
                        stats.get("GET /api/v1/projects").time(() -> status("GET", api + "/api/v1/projects", site.token(), null, null), 200);
                    } else if (roll < 32) {
                        stats.get("GET /api/v1/projects/{id}").time(() -> status("GET", p, site.token(), null, null), 200);
                    } else if (roll < 38) {
                        stats.get("GET /api/v1/projects/{id}/deployments").time(() -> status("GET", p + "/deployments", site.token(), null, null), 200);
                    } else if (roll < 42) {
                        stats.get("GET /api/v1/deployments/{id}/logs").time(() -> status("GET", d + "/logs", site.token(), null, null), 200);
                    } else if (roll < 44) {
                        stats.get("GET /api/v1/deployments/{id}/logs/stream").time(() -> status("GET", d + "/logs/stream", site.token(), null, null), 200);
                    } else if (roll < 46) {
                        String body = "[{\"key\":\"BENCH_" + (n % 5) + "\",\"value\":\"" + n + "\",\"target\":\"production\"}]";
                        stats.get("PUT /api/v1/projects/{id}/env").time(() -> status("PUT", p + "/env", site.token(), body, null), 200);
                    } else if (roll < 48) {
                        stats.get("PATCH /api/v1/projects/{id}").time(() -> status("PATCH", p, site.token(),
                                "{\"buildCommand\":\"true # " + n + "\"}", null), 200);
                    } else if (roll < 83) {
                        stats.get("GET site /").time(() -> status("GET", api + "/", null, null, site.host()), 200);
                    } else if (roll < 95) {
                        stats.get("GET site /assets/app-3f9a1b2c.js").time(() -> status("GET", api + "/assets/app-3f9a1b2c.js", null, null, site.host()), 200);
                    } else {
                        stats.get("GET site /missing (404.html)").time(() -> status("GET", api + "/missing/page", null, null, site.host()), 404);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("mixed workload: %d clients, %d s, %d deploys%n", clients, seconds, deploys);
        long total = 0;
        long errors = 0;
        for (var e : stats.entrySet()) {
            System.out.println(e.getValue().line(e.getKey(), seconds));
            total += e.getValue().nanos.size();
            errors += e.getValue().errors.size();
        }
        System.out.printf("  %-40s %7.1f req/s  errors %d%n", "all", total / (double) seconds, errors);
        for (String id : deployments) {
            waitEnded(site, id);
        }
    }

    private static void waitEnded(Site site, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = call("GET", site.api() + "/api/v1/deployments/" + id, site.token(), null).get("status").asText();
            if (List.of("READY", "FAILED", "CANCELED").contains(status)) {
                break;
            }
            Thread.sleep(200);
        }
        System.out.printf("  deployment %s: %s%n", id, status);
    }

    private static void slowClients(Site site, int count, int probeSeconds) throws Exception {
        URI api = URI.create(site.api());
        List<Socket> sockets = new ArrayList<>();
        String siteHost = site.host();
        try {
            int refused = 0;
            for (int i = 0; i < count && refused < 5; i++) {
                Socket s = new Socket();
                try {
                    s.connect(new java.net.InetSocketAddress(api.getHost(), api.getPort()), 2000);
                } catch (IOException e) {
                    // A server that stopped accepting (its accept thread stuck, its backlog full) times out here.
                    refused++;
                    s.close();
                    continue;
                }
                sockets.add(s);
                OutputStream out = s.getOutputStream();
                switch (i % 3) {
                    case 0 -> { } // connected, silent
                    case 1 -> out.write(("GET / HTTP/1.1\r\nHost: " + siteHost + "\r\nX-Slow: ").getBytes(StandardCharsets.US_ASCII));
                    default -> out.write(("POST /api/v1/auth/login HTTP/1.1\r\nHost: " + api.getHost() + "\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            }
            if (refused > 0) {
                System.out.printf("slow clients: the server stopped accepting connections after %d of them%n", sockets.size());
            }
            Thread.sleep(1000);
            Stats health = new Stats();
            Stats page = new Stats();
            long end = System.nanoTime() + Duration.ofSeconds(probeSeconds).toNanos();
            while (System.nanoTime() < end) {
                health.time(() -> status("GET", site.api() + "/api/v1/health", null, null, null), 200);
                page.time(() -> status("GET", site.api() + "/", null, null, siteHost), 200);
                sleep(20);
            }
            int open = 0;
            for (Socket s : sockets) {
                try {
                    s.getOutputStream().write('x');
                    open++;
                } catch (IOException e) {
                    // closed by the server: its request timeout at work
                }
            }
            System.out.printf("slow clients: %d connections (silent, half a header, 1 of 100 body bytes), %d s of probes,"
                    + " %d still open at the end%n", sockets.size(), probeSeconds, open);
            System.out.println(health.line("GET /api/v1/health", probeSeconds));
            System.out.println(page.line("GET site /", probeSeconds));
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int status(String method, String url, String token, String body, String host) {
        HttpResponse<String> r = send(method, url, token, body, host);
        return r.statusCode();
    }

    private static HttpResponse<String> send(String method, String url, String token, String body, String host) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("content-type", "application/json");
        }
        if (host != null) {
            b.header("host", host);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    private static JsonNode call(String method, String url, String token, String body) throws Exception {
        HttpResponse<String> r = send(method, url, token, body, null);
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return RequestBody.read(r.body().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }
}
