package io.miaobu.tools.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The "bare JVM" of {@code ./miaobu bench coldstart}: the least a Java FC function can be, the JDK's
 * own HTTP server answering every request with a fixed JSON body. It depends on nothing but the JDK,
 * because the bench runs it from a jar holding only this class.
 */
public final class BareHttpServer {
    private BareHttpServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("FC_CUSTOM_LISTEN_PORT", "9000"));
        // As JdkHttpServer does for every function: FC expects idle keep-alive connections kept over 15
        // minutes; read once, when the first server is created, so set before HttpServer.create.
        System.setProperty("sun.net.httpserver.idleInterval", "1200");
        HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 0);
        byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
