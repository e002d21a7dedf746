package io.miaobu.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the edge (edge/src/local-server.js, shipped in this jar) as a Node child process on a
 * loopback port, reading the route files and artifacts under the data directory.
 */
public final class LocalEdge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEdge.class);
    private static final Pattern READY = Pattern.compile("miaobu-edge listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final List<String> FILES = List.of("package.json", "src/engine.js", "src/rules.js", "src/pages.js", "src/proxy.js", "src/local-server.js");

    private final Process process;
    private final int port;

    private LocalEdge(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static LocalEdge start(String nodeCommand, Path dataDir) throws IOException {
        return start(nodeCommand, dataDir, java.util.Optional.empty());
    }

    /** @param httpsPort where the edge also serves HTTPS for custom domains with a certificate (MIAOBU_HTTPS_PORT) */
    public static LocalEdge start(String nodeCommand, Path dataDir, java.util.Optional<Integer> httpsPort) throws IOException {
        return start(nodeCommand, dataDir, httpsPort, java.util.Optional.empty());
    }

    /**
     * Where the edge sends requests for {@code local:} function backends: the local host's function gateway,
     * the token it asks for (handed over in the edge's environment, never on its command line) and the
     * functions' time limit.
     */
    public record FunctionGateway(String url, String token, int timeoutSeconds) {}

    public static LocalEdge start(String nodeCommand, Path dataDir, java.util.Optional<Integer> httpsPort,
                                  java.util.Optional<FunctionGateway> functions) throws IOException {
        Path edgeDir = extract(dataDir.resolve("edge"));
        List<String> command = new java.util.ArrayList<>(List.of(nodeCommand, edgeDir.resolve("src/local-server.js").toString(),
                "--data", dataDir.toString(), "--port", "0", "--host", "127.0.0.1"));
        httpsPort.ifPresent(p -> command.addAll(List.of("--https-port", String.valueOf(p))));
        functions.ifPresent(f -> command.addAll(List.of("--functions", f.url(), "--function-timeout", String.valueOf(f.timeoutSeconds()))));
        ProcessBuilder pb = new ProcessBuilder(command);
        functions.ifPresent(f -> pb.environment().put("MIAOBU_GATEWAY_TOKEN", f.token()));
        pb.redirectErrorStream(false);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start the local edge with `" + nodeCommand
                    + "`: install Node.js 18 or newer, or set MIAOBU_NODE to its path", e);
        }
        process.getOutputStream().close();
        pipeToLog(process.getErrorStream(), "edge");
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                    LOG.info("edge: {}", line);
                }
            } catch (IOException ignored) {
                // process ended
            }
            return -1;
        });
        int port;
        try {
            port = ready.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("the local edge did not start within 20 seconds", e);
        }
        if (port < 0) {
            throw new IOException("the local edge exited at start (exit code "
                    + (process.isAlive() ? "?" : process.exitValue()) + "); see the log above");
        }
        pipeToLog(process.getInputStream(), "edge");
        return new LocalEdge(process, port);
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path extract(Path dir) throws IOException {
        for (String file : FILES) {
            try (InputStream in = LocalEdge.class.getResourceAsStream("/edge/" + file)) {
                if (in == null) {
                    throw new IOException("edge/" + file + " is missing from the jar; rebuild with `./miaobu build`");
                }
                Path target = dir.resolve(file);
                Files.createDirectories(target.getParent());
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private static void pipeToLog(InputStream stream, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    LOG.info("{}: {}", name, line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, name + "-output");
        t.setDaemon(true);
        t.start();
    }
}
