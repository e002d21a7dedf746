package io.miaobu.local.host;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** What a browser does for https://{hostname}/ against the local HTTPS port: SNI, chain and name checked. */
final class HttpsProbe {
    private HttpsProbe() {}

    record Answer(String response, X509Certificate certificate) {}

    /** GET / over TLS to 127.0.0.1:{port}, asking for {@code hostname} by SNI and verifying the name and chain with {@code trust}. */
    static Answer get(int port, String hostname, SSLContext trust) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", port);
             SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(raw, hostname, port, true)) {
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(hostname)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.setSoTimeout(10_000);
            tls.startHandshake();
            X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            OutputStream out = tls.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + hostname + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new Answer(new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8), leaf);
        }
    }
}
