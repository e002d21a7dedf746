package io.miaobu.acme;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Any ACME directory over https; when MIAOBU_ACME_CA_CERT names a PEM file, the directory's TLS
 * certificate must chain to it instead of the JDK's roots (test CAs such as Pebble).
 */
final class TrustingProvider extends GenericAcmeProvider {
    private final Optional<Path> caCertificate;

    TrustingProvider(Optional<Path> caCertificate) {
        this.caCertificate = caCertificate;
    }

    @Override
    protected HttpConnector createHttpConnector(NetworkSettings settings) {
        if (caCertificate.isEmpty()) {
            return super.createHttpConnector(settings);
        }
        SSLContext context = sslContext(caCertificate.get());
        return new HttpConnector(settings) {
            @Override
            public HttpClient.Builder createClientBuilder() {
                return super.createClientBuilder().sslContext(context);
            }
        };
    }

    static SSLContext sslContext(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read MIAOBU_ACME_CA_CERT " + pem, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MIAOBU_ACME_CA_CERT " + pem + " is not a PEM certificate", e);
        }
    }
}
