package io.miaobu.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A minimal smart-HTTP Git server (protocol v0, stateless RPC) serving one repository at
 * {@code /repo.git}, optionally behind HTTP Basic authentication.
 */
public final class GitHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Path repoDir;
    private final String expectedAuthorization;
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** When set, fetch requests asking for a shallow history fail like on a server without shallow support. */
    public volatile boolean rejectShallow;

    private GitHttpServer(Path repoDir, String user, String password) throws IOException {
        this.repoDir = repoDir;
        this.expectedAuthorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/repo.git/", this::handle);
        server.start();
    }

    public static GitHttpServer serve(Path repoDir) throws IOException {
        return new GitHttpServer(repoDir, null, null);
    }

    public static GitHttpServer serveWithBasicAuth(Path repoDir, String user, String password) throws IOException {
        return new GitHttpServer(repoDir, user, password);
    }

    /** e.g. {@code http://127.0.0.1:4711/repo.git} */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/repo.git";
    }

    /** The URL with {@code user:password@} in it. */
    public String url(String userinfo) {
        return "http://" + userinfo + "@127.0.0.1:" + server.getAddress().getPort() + "/repo.git";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            if (expectedAuthorization != null && !expectedAuthorization.equals(auth)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            try (Repository repo = new FileRepositoryBuilder().setWorkTree(repoDir.toFile()).setMustExist(true).build()) {
                if (path.endsWith("/info/refs") && "service=git-upload-pack".equals(query)) {
                    exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
                    exchange.getResponseHeaders().add("Cache-Control", "no-cache");
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    PacketLineOut pck = new PacketLineOut(out);
                    pck.writeString("# service=git-upload-pack\n");
                    pck.end();
                    UploadPack up = new UploadPack(repo);
                    up.setBiDirectionalPipe(false);
                    up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
                    out.flush();
                } else if (path.endsWith("/git-upload-pack") && "POST".equals(exchange.getRequestMethod())) {
                    InputStream in = exchange.getRequestBody();
                    if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                        in = new GZIPInputStream(in);
                    }
                    byte[] request = in.readAllBytes();
                    if (rejectShallow && new String(request, StandardCharsets.ISO_8859_1).contains("deepen ")) {
                        exchange.sendResponseHeaders(500, -1);
                        return;
                    }
                    in = new ByteArrayInputStream(request);
                    exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
                    exchange.sendResponseHeaders(200, 0);
                    UploadPack up = new UploadPack(repo);
                    up.setBiDirectionalPipe(false);
                    up.upload(in, exchange.getResponseBody(), null);
                } else {
                    exchange.sendResponseHeaders(404, -1);
                }
            }
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
