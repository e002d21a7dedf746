package io.miaobu.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.config.LimitSettings;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slow and greedy clients cannot freeze the server every function and the local host run on. */
class JdkHttpServerTest {
    static {
        // The JDK reads its request timeout once per JVM, when the first server starts; no other test class of this
        // module starts one. A -D flag wins over MIAOBU_HTTP_REQUEST_TIMEOUT_SECONDS, as it does for operators.
        System.setProperty("sun.net.httpserver.maxReqTime", "2");
    }

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    private static LimitSettings limits(int maxThreads, int maxActive, Duration queueWait) {
        LimitSettings d = LimitSettings.DEFAULTS;
        return new LimitSettings(d.requestTimeout(), d.maxConnections(), maxThreads, maxActive, queueWait,
                d.loginAttempts(), d.loginWindow(), d.registrations(), d.hookTriggers());
    }

    private static Router health() {
        return new Router().get("/api/v1/health", req -> Response.ok(Map.of("status", "ok")));
    }

    /** Announces a 100-byte body, sends one byte, then nothing: each one holds a thread until its timeout. */
    private void slowBodies(int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket s = new Socket("127.0.0.1", port);
            sockets.add(s);
            s.getOutputStream().write(("POST /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
    }

    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void health_still_answers_while_300_clients_dribble_their_bodies() throws Exception {
        // Before, the 257th slow client ran on the accepting thread and this request waited for ever (the
        // read below gives up after 5 s). How fast it answers is `./miaobu bench load`'s to measure.
        try (JdkHttpServer server = JdkHttpServer.start("127.0.0.1", 0, 1 << 20, health())) {
            slowBodies(server.port(), 300);
            assertThat(get(server.port(), "/api/v1/health")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void with_every_thread_held_by_slow_clients_a_new_request_gets_503_with_retry_after_instead_of_waiting()
            throws Exception {
        try (JdkHttpServer server = JdkHttpServer.start("127.0.0.1", 0, 1 << 20, limits(8, 64, Duration.ofSeconds(2)),
                health())) {
            slowBodies(server.port(), 8);
            Thread.sleep(300); // the eight are being read, each on its own thread
            String answer = get(server.port(), "/api/v1/health");
            assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1").contains("\"code\":\"busy\"");
        }
    }

    @Test
    void when_every_handler_slot_stays_busy_past_the_queue_wait_the_next_request_gets_503_with_retry_after()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Router router = health().get("/slow", req -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return Response.ok(Map.of());
        });
        var pool = Executors.newSingleThreadExecutor();
        try (JdkHttpServer server = JdkHttpServer.start("127.0.0.1", 0, 1 << 20, limits(64, 1, Duration.ofMillis(100)),
                router)) {
            Future<String> slow = pool.submit(() -> get(server.port(), "/slow"));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            String busy = get(server.port(), "/api/v1/health");
            assertThat(busy).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1");
            release.countDown();
            assertThat(slow.get(5, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
            assertThat(get(server.port(), "/api/v1/health")).startsWith("HTTP/1.1 200");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_client_that_stops_halfway_through_its_headers_or_its_body_is_disconnected_after_the_request_timeout()
            throws Exception {
        try (JdkHttpServer server = JdkHttpServer.start("127.0.0.1", 0, 1 << 20, health())) {
            for (String partial : List.of("GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ",
                    "POST /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(15_000); // far past the 2 s timeout: a server that never closes fails here
                    s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    int read;
                    try {
                        read = s.getInputStream().read();
                    } catch (java.net.SocketException reset) {
                        read = -1;
                    }
                    assertThat(read).as("the server closed the connection without answering").isEqualTo(-1);
                }
            }
        }
    }
}
