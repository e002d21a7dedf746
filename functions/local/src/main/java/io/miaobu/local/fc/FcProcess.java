package io.miaobu.local.fc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A function jar started as FC's custom runtime starts it ({@code java [flags] -jar}, FC_CUSTOM_LISTEN_PORT, a
 * clean environment) and spoken to as FC speaks to it: HTTP/1.1 with the {@code x-fc-*} headers, over a
 * plain socket so the measuring side adds next to nothing. Used by {@code ./miaobu bench coldstart}
 * and, to train AppCDS archives, by {@code ./miaobu fc package}.
 */
public final class FcProcess implements AutoCloseable {
    /** The JVM flags of serverless.yaml's HTTP functions (customRuntimeConfig.args before the CDS ones). */
    public static final List<String> FC_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=70");

    private final Process process;
    private final int port;
    private final long startedNanos;

    private FcProcess(Process process, int port, long startedNanos) {
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    /** Starts {@code java flags -jar jar} with {@code env} (plus PATH and FC's FC_CUSTOM_LISTEN_PORT) and nothing else. */
    public static FcProcess start(String java, List<String> flags, Path jar, Map<String, String> env, Path log) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(flags);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        pb.environment().put("FC_CUSTOM_LISTEN_PORT", Integer.toString(port));
        long started = System.nanoTime();
        return new FcProcess(pb.start(), port, started);
    }

    /** The {@code java} of the JVM running this (the one the archive and the measurement are for). */
    public static String currentJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Sends the request as soon as the port accepts it, retrying while it does not; returns the status
     * and the time since the process started.
     */
    public Answer firstAnswer(String method, String path, Map<String, String> headers, String body, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                int status = send(method, path, headers, body).status();
                return new Answer(status, Duration.ofNanos(System.nanoTime() - startedNanos));
            } catch (ConnectException e) {
                if (!process.isAlive()) {
                    throw new IOException("the function exited with " + process.exitValue() + " before answering");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("no answer on port " + port + " within " + timeout);
                }
                Thread.sleep(1);
            }
        }
    }

    /** One request, its status line and body. */
    public Reply send(String method, String path, Map<String, String> headers, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("host: 127.0.0.1:").append(port).append("\r\n")
                .append("x-fc-request-id: ").append(UUID.randomUUID()).append("\r\n")
                .append("x-fc-access-key-id: STS.BenchAccessKeyId\r\n")
                .append("x-fc-access-key-secret: BenchAccessKeySecret\r\n")
                .append("x-fc-security-token: BenchSecurityToken\r\n")
                .append("x-fc-region: cn-hangzhou\r\n")
                .append("connection: close\r\n")
                .append("content-length: ").append(content.length).append("\r\n");
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String statusLine = response.lines().findFirst().orElse("");
            String[] parts = statusLine.split(" ");
            if (parts.length < 2) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            int split = response.indexOf("\r\n\r\n");
            return new Reply(Integer.parseInt(parts[1]), split < 0 ? "" : response.substring(split + 4));
        }
    }

    /** SIGTERM, as FC stops an instance (an AppCDS archive being recorded is written then), and wait. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public record Answer(int status, Duration after) {}

    public record Reply(int status, String body) {}
}
