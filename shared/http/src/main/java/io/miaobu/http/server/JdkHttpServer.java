package io.miaobu.http.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.miaobu.config.LimitSettings;
import io.miaobu.http.Handler;
import io.miaobu.http.Request;
import io.miaobu.errors.ApiError;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.http.SimpleRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link Handler} with the JDK's built-in HTTP server: no extra jar, fast to start (cold
 * start is a product metric), and it streams, which server-sent events need.
 */
public final class JdkHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdkHttpServer.class);

    /** The JDK server's idle keep-alive limit, in seconds. */
    public static final String IDLE_INTERVAL_PROPERTY = "sun.net.httpserver.idleInterval";
    /** 20 minutes: longer than FC's 15, so FC, not this server, is the side that closes an idle connection. */
    public static final long IDLE_INTERVAL_SECONDS = 1200;

    static {
        // The JDK server writes a response's headers and body separately; without TCP_NODELAY the body
        // waits for the client's delayed ACK, about 40 ms on every small response (measured with
        // `./miaobu bench webhook`). Read once, when the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // FC reuses keep-alive connections to a function and expects the server to keep idle ones more than
        // 15 minutes (FC 3.0 FAQ "Process exited unexpectedly before completing request": FC retries a GET on
        // a connection the server closed, but answers 502 to a POST, so a webhook or an /invoke would fail).
        // The JDK server closes idle connections after 30 s by default. Both properties
        // are read once, by sun.net.httpserver.ServerConfig's static initializer, which runs when the first
        // server of this JVM is created: so they are set here, in this class's initializer, which runs
        // before start() creates one (setting them after any HttpServer.create would change nothing).
        // A -D flag given on the command line wins.
        if (System.getProperty(IDLE_INTERVAL_PROPERTY) == null) {
            System.setProperty(IDLE_INTERVAL_PROPERTY, Long.toString(IDLE_INTERVAL_SECONDS));
        }
    }

    /** Threads that answer 503 when every request thread is taken, and the requests they may hold waiting. */
    private static final int OVERFLOW_THREADS = 4;
    private static final int OVERFLOW_QUEUE = 256;
    /** Whether the current thread is an overflow thread, which answers 503 and does nothing else. */
    private static final ThreadLocal<Boolean> OVERFLOWING = ThreadLocal.withInitial(() -> false);
    /** A hostname is at most 253 characters; with a port, a Host header is never longer than this. */
    private static final int MAX_HOST_LENGTH = 260;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final ThreadPoolExecutor overflow;

    private JdkHttpServer(HttpServer server, ThreadPoolExecutor executor, ThreadPoolExecutor overflow) {
        this.server = server;
        this.executor = executor;
        this.overflow = overflow;
    }

    /** With the default {@link LimitSettings}. */
    public static JdkHttpServer start(String host, int port, long maxBodyBytes, Handler handler) throws IOException {
        return start(host, port, maxBodyBytes, LimitSettings.DEFAULTS, handler);
    }

    /**
     * @param host "0.0.0.0" in FC (it refuses functions listening on loopback), or a loopback address locally
     * @param maxBodyBytes bodies above this are refused with 413 before they are read in full
     * @param limits timeouts and how many requests are read and served at once; the JDK server reads its
     *               timeouts and connection cap once per JVM, so the first server started sets them
     */
    public static JdkHttpServer start(String host, int port, long maxBodyBytes, LimitSettings limits, Handler handler)
            throws IOException {
        applyJvmWideLimits(limits);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        // The JDK server reads a request's headers and body on the executor's thread, so a slow client holds a
        // thread until its request timeout closes the connection. With the pool full, the overflow pool (a
        // few threads) answers 503 at once instead; with that full too, the JDK closes the new connection.
        // Never CallerRunsPolicy: that ran the request on the accepting thread, and one slow client then froze
        // every other connection.
        ThreadPoolExecutor overflow = new ThreadPoolExecutor(OVERFLOW_THREADS, OVERFLOW_THREADS, 10, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(OVERFLOW_QUEUE), threads("http-busy", true), new ThreadPoolExecutor.AbortPolicy());
        overflow.allowCoreThreadTimeOut(true); // all four at once when needed (a queue fills before extra threads start)
        ThreadPoolExecutor executor = new ThreadPoolExecutor(4, limits.maxThreads(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads("http", false), (task, pool) -> overflow.execute(task));
        Semaphore active = new Semaphore(limits.maxActive());
        server.setExecutor(executor);
        server.createContext("/", exchange -> serve(exchange, handler, maxBodyBytes, active, limits.queueWait()));
        server.start();
        return new JdkHttpServer(server, executor, overflow);
    }

    private static ThreadFactory threads(String name, boolean overflowing) {
        return r -> {
            Thread t = new Thread(() -> {
                OVERFLOWING.set(overflowing);
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static synchronized void applyJvmWideLimits(LimitSettings limits) {
        // Read by sun.net.httpserver.ServerConfig when the first server of this JVM is created (see above);
        // a -D flag on the command line wins. maxReqTime covers the request line, headers and body.
        setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(Math.max(1, limits.requestTimeout().toSeconds())));
        setIfAbsent("jdk.httpserver.maxConnections", Integer.toString(limits.maxConnections()));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
        overflow.shutdownNow();
    }

    private static void serve(HttpExchange exchange, Handler handler, long maxBodyBytes, Semaphore active,
                              Duration queueWait) {
        try (exchange) {
            Response response;
            if (OVERFLOWING.get()) {
                // Not even the body is read: answering is all this thread may spend on a request.
                exchange.getResponseHeaders().set("connection", "close");
                write(exchange, Router.response(busy()));
                return;
            }
            try {
                checkHost(exchange.getRequestHeaders().getFirst("host"));
                // Set here, over whatever the client sent: per-client limits trust nothing else from the socket.
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                headers.putAll(exchange.getRequestHeaders());
                headers.put(Request.PEER_HEADER, List.of(exchange.getRemoteAddress().getAddress().getHostAddress()));
                byte[] body;
                try {
                    body = readBody(exchange, maxBodyBytes);
                } catch (IOException e) {
                    // Closed before the whole body came (by the client, or by the request timeout): nobody to answer.
                    LOG.debug("body of {} {} not received", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                    return;
                }
                var request = new SimpleRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                        headers, body);
                if (!active.tryAcquire(queueWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw busy();
                }
                try {
                    response = handler.handle(request);
                } finally {
                    // A streamed answer (build logs, a site's file) is written after this: streams hold a
                    // thread, not a slot, so a hundred open log streams never starve API requests.
                    active.release();
                }
            } catch (ApiError e) {
                response = Router.response(e);
            } catch (Exception e) {
                LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                response = Router.error(500, "internal_error", "Something went wrong on our side; the error was logged.");
            }
            write(exchange, response);
        } catch (IOException e) {
            LOG.debug("client went away during {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
    }

    /** A hostname is at most 253 characters; a longer Host only names files and keys that cannot exist. */
    private static void checkHost(String host) {
        if (host != null && host.length() > MAX_HOST_LENGTH) {
            throw ApiError.badRequest("invalid_host", "The Host header is longer than any hostname (253 characters and a port).");
        }
    }

    private static ApiError busy() {
        return ApiError.busy("The server is busy; try again in a moment.", 1);
    }

    private static byte[] readBody(HttpExchange exchange, long max) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("content-length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > max) {
                    throw tooLarge(max);
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("invalid_content_length", "Content-Length is not a number.");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > max) {
                    throw tooLarge(max);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static ApiError tooLarge(long max) {
        return new ApiError(413, "body_too_large", "The request body is larger than " + (max >> 20) + " MiB.");
    }

    private static void write(HttpExchange exchange, Response response) throws IOException {
        // A value cannot hold a line break, so one stands between the values of a repeated header (Set-Cookie).
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().put(name,
                value.indexOf('\n') >= 0 ? java.util.List.of(value.split("\n")) : java.util.List.of(value)));
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        if (response.stream() != null) {
            exchange.getResponseHeaders().set("x-accel-buffering", "no");
            exchange.sendResponseHeaders(response.status(), head ? -1 : 0);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    response.stream().writeTo(out);
                }
            }
            return;
        }
        byte[] body = response.body() == null ? new byte[0] : response.body();
        boolean noBody = head || response.status() == 204 || response.status() == 304;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : (body.length == 0 ? -1 : body.length));
        if (!noBody && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

}
