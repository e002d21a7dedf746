package io.miaobu.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Pebble, the ACME test CA (Debian package {@code pebble}, installed by {@code ./miaobu test} and
 * {@code ./miaobu bench domains}; used by the custom domain tests and that benchmark), with
 * {@code pebble-challtestsrv} as its DNS server: the test decides what every name resolves to through
 * the mock DNS's management API. Pebble's TLS certificate and config are generated here; its root
 * (new at every start) is fetched for verifying the certificates it issues.
 */
public final class Pebble implements AutoCloseable {
    private final Process challtestsrv;
    private final Process pebble;
    private final int dnsPort;
    private final int dnsManagementPort;
    private final int acmePort;
    private final int managementPort;
    private final Path tlsCertificate;
    private final HttpClient http;

    private Pebble(Process challtestsrv, Process pebble, int dnsPort, int dnsManagementPort, int acmePort,
                   int managementPort, Path tlsCertificate, HttpClient http) {
        this.challtestsrv = challtestsrv;
        this.pebble = pebble;
        this.dnsPort = dnsPort;
        this.dnsManagementPort = dnsManagementPort;
        this.acmePort = acmePort;
        this.managementPort = managementPort;
        this.tlsCertificate = tlsCertificate;
        this.http = http;
    }

    /**
     * Starts the mock DNS and Pebble; Pebble validates HTTP-01 on {@code httpPort} (where the system
     * under test serves /.well-known/acme-challenge/).
     */
    public static Pebble start(Path dir, int httpPort) throws Exception {
        for (String binary : List.of("pebble", "pebble-challtestsrv")) {
            if (!Files.isExecutable(Path.of("/usr/bin", binary))) {
                throw new IllegalStateException("/usr/bin/" + binary + " is missing: run ./miaobu test (it installs the"
                        + " Debian package pebble) or apt-get install pebble");
            }
        }
        Files.createDirectories(dir);
        Path cert = dir.resolve("pebble-tls.pem");
        Path key = dir.resolve("pebble-tls.key");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString());
        int dnsPort = freePort();
        int dnsManagement = freePort();
        int acmePort = freePort();
        int management = freePort();
        Process dns = new ProcessBuilder("/usr/bin/pebble-challtestsrv", "-dns01", "127.0.0.1:" + dnsPort,
                "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", "127.0.0.1:" + dnsManagement,
                "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile()).start();
        Path config = dir.resolve("pebble-config.json");
        Files.writeString(config, """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(acmePort, management, cert, key, httpPort, freePort()));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/pebble", "-config", config.toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort, "-strict=false")
                .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
        // No random validation delays, no rejected nonces, a fresh validation for every order.
        pb.environment().putAll(Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0", "PEBBLE_AUTHZREUSE", "0"));
        Process ca = pb.start();
        Pebble pebble = new Pebble(dns, ca, dnsPort, dnsManagement, acmePort, management, cert,
                HttpClient.newBuilder().sslContext(trusting(Files.readString(cert))).connectTimeout(Duration.ofSeconds(5)).build());
        try {
            awaitPort(acmePort, ca, dir.resolve("pebble.log"));
            awaitPort(management, ca, dir.resolve("pebble.log"));
            awaitPort(dnsManagement, dns, dir.resolve("challtestsrv.log"));
        } catch (Exception e) {
            pebble.close();
            throw e;
        }
        return pebble;
    }

    public String directoryUrl() {
        return "https://127.0.0.1:" + acmePort + "/dir";
    }

    /** The PEM file Pebble's own HTTPS listener uses (MIAOBU_ACME_CA_CERT). */
    public Path tlsCertificate() {
        return tlsCertificate;
    }

    /** host:port of the mock DNS (MIAOBU_DNS_RESOLVER). */
    public String dnsResolver() {
        return "127.0.0.1:" + dnsPort;
    }

    /** The root this Pebble instance signs with (PEM), for verifying what it issued. */
    public String root() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + managementPort + "/roots/0")).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("Pebble root: " + answer.statusCode() + " " + answer.body());
        }
        return answer.body();
    }

    public void setCname(String host, String target) throws Exception {
        dns("set-cname", "{\"host\":\"" + fqdn(host) + "\",\"target\":\"" + fqdn(target) + "\"}");
    }

    public void clearCname(String host) throws Exception {
        dns("clear-cname", "{\"host\":\"" + fqdn(host) + "\"}");
    }

    public void setTxt(String host, String value) throws Exception {
        dns("set-txt", "{\"host\":\"" + fqdn(host) + "\",\"value\":\"" + value + "\"}");
    }

    public void clearTxt(String host) throws Exception {
        dns("clear-txt", "{\"host\":\"" + fqdn(host) + "\"}");
    }

    /** What A queries for {@code host} answer (every other name answers 127.0.0.1). */
    public void setA(String host, String... addresses) throws Exception {
        dns("clear-a", "{\"host\":\"" + fqdn(host) + "\"}");
        dns("add-a", "{\"host\":\"" + fqdn(host) + "\",\"addresses\":[\"" + String.join("\",\"", addresses) + "\"]}");
    }

    /** A queries for {@code host} answer the default (127.0.0.1) again. */
    public void clearA(String host) throws Exception {
        dns("clear-a", "{\"host\":\"" + fqdn(host) + "\"}");
    }

    private void dns(String endpoint, String json) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dnsManagementPort + "/" + endpoint))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("challtestsrv /" + endpoint + " " + json + ": " + answer.statusCode() + " " + answer.body());
        }
    }

    private static String fqdn(String host) {
        return host.endsWith(".") ? host : host + ".";
    }

    /** An SSLContext trusting exactly the given PEM certificates. */
    public static SSLContext trusting(String pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            trust.setCertificateEntry("c" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited at start:\n" + Files.readString(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("port " + port + " not listening after 15 s:\n" + Files.readString(log));
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        for (Process p : new ArrayList<>(List.of(pebble, challtestsrv))) {
            p.destroy();
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
