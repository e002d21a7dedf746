package io.miaobu.local.functions;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the local edge sends function requests ({@code local:{deploymentId}/{runtime}} backends): a loopback
 * port that answers only the edge (its token), starts the deployment's worker when none runs and forwards
 * the request to it, streaming both ways. A request that outlives the function timeout kills its worker and
 * answers 504; a worker that crashed answers 502. Both carry {@code x-miaobu-function-error}, so the edge
 * shows its own page.
 */
final class FunctionGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionGateway.class);
    static final String TOKEN_HEADER = "x-miaobu-gateway-token";
    static final String ERROR_HEADER = "x-miaobu-function-error";
    private static final Pattern TARGET = Pattern.compile("^/([A-Za-z0-9_-]{1,64})/(node|python)(/.*)?$");
    /** Hop-by-hop headers, the ones Java's client sets itself, and the platform's own. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "host", "content-length", "expect", TOKEN_HEADER, "x-miaobu-edge-token");

    private final HttpServer server;
    private final ExecutorService threads;
    private final ScheduledExecutorService watchdog;
    private final HttpClient client;
    private final Workers workers;
    private final Duration timeout;
    private final byte[] token;

    FunctionGateway(Workers workers, Duration timeout) throws IOException {
        this.workers = workers;
        this.timeout = timeout;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "function-gateway");
            t.setDaemon(true);
            return t;
        });
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "function-timeout");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER).executor(threads).build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What the edge sends in {@value #TOKEN_HEADER}; only the edge (started by the host, which hands it over) knows it. */
    String token() {
        return new String(token, StandardCharsets.US_ASCII);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String given = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
            if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII), token)) {
                reply(exchange, 403, "forbidden");
                return;
            }
            Matcher m = TARGET.matcher(exchange.getRequestURI().getRawPath());
            if (!m.matches()) {
                reply(exchange, 404, "unavailable");
                return;
            }
            String rest = (m.group(3) == null ? "/" : m.group(3))
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            Worker worker;
            try {
                worker = workers.get(m.group(1), m.group(2));
            } catch (Workers.NotDeployed e) {
                reply(exchange, 502, "unavailable");
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("function worker {}/{} did not start", m.group(1), m.group(2), e);
                reply(exchange, 502, "crashed");
                return;
            }
            forward(exchange, worker, rest);
        }
    }

    private void forward(HttpExchange exchange, Worker worker, String rest) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        boolean hasBody = exchange.getRequestHeaders().containsKey("transfer-encoding")
                || !"0".equals(exchange.getRequestHeaders().getOrDefault("content-length", List.of("0")).get(0));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + rest))
                .method(method, hasBody ? HttpRequest.BodyPublishers.ofInputStream(exchange::getRequestBody)
                        : HttpRequest.BodyPublishers.noBody());
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        request.header("x-miaobu-edge-token", worker.token);
        AtomicBoolean timedOut = new AtomicBoolean();
        worker.begin();
        ScheduledFuture<?> deadline = watchdog.schedule(() -> {
            timedOut.set(true);
            LOG.info("function request to {}/{} outlived {} s: its worker is stopped", worker.deploymentId, worker.runtime,
                    timeout.toSeconds());
            workers.kill(worker);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        boolean headersSent = false;
        try {
            HttpResponse<InputStream> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            answer.headers().map().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!NOT_FORWARDED.contains(lower) && !lower.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            long length = answer.headers().firstValueAsLong("content-length").orElse(-1);
            boolean noBody = method.equals("HEAD") || answer.statusCode() == 204 || answer.statusCode() == 304 || length == 0;
            exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : Math.max(length, 0));
            headersSent = true;
            try (InputStream body = answer.body(); OutputStream out = exchange.getResponseBody()) {
                if (!noBody) {
                    body.transferTo(out);
                }
            }
        } catch (IOException e) {
            if (!headersSent) {
                boolean late = timedOut.get();
                if (!late && worker.exitsWithin(Duration.ofMillis(500))) {
                    workers.kill(worker); // it crashed: the next request starts a new one
                }
                reply(exchange, late ? 504 : 502, late ? "timeout" : "crashed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deadline.cancel(false);
            worker.end();
        }
    }

    private static void reply(HttpExchange exchange, int status, String error) throws IOException {
        exchange.getResponseHeaders().put(ERROR_HEADER, List.of(error));
        exchange.getResponseHeaders().put("cache-control", List.of("no-store"));
        exchange.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        watchdog.shutdownNow();
        threads.shutdownNow();
    }
}
