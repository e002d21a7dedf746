package io.miaobu.testkit.memory;

import io.miaobu.domains.CertificateStore;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each hostname's certificate and key as PEM text; a put replaces the previous one whole, and every
 * put gets a new id, as a CAS upload does.
 */
public final class InMemoryCertificateStore implements CertificateStore {
    /** What the edge would serve for a hostname. */
    public record Pem(String certificateChain, String privateKey, StoredCertificate stored) {}

    private final Map<String, Pem> byHostname = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public StoredCertificate put(String hostname, String certificateChainPem, String privateKeyPem, Instant notAfter) {
        StoredCertificate stored = new StoredCertificate(hostname, "cert-" + ids.incrementAndGet(), notAfter);
        byHostname.put(hostname, new Pem(certificateChainPem, privateKeyPem, stored));
        return stored;
    }

    @Override
    public Optional<StoredCertificate> get(String hostname) {
        return pem(hostname).map(Pem::stored);
    }

    @Override
    public void delete(String hostname) {
        byHostname.remove(hostname);
    }

    /** The PEM the edge would serve for {@code hostname}. */
    public Optional<Pem> pem(String hostname) {
        return Optional.ofNullable(byHostname.get(hostname));
    }
}
