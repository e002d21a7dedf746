package io.miaobu.domains;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a custom domain's certificate lives and how the edge gets it (DESIGN §3, §7): CAS plus a
 * binding to the edge hostname in production, a directory of PEM files in local mode.
 * {@link #put} replaces the hostname's previous certificate only once the new one is stored, so a
 * failed renewal never leaves the hostname without a working certificate.
 */
public interface CertificateStore {
    /** Stores the certificate chain and private key (PEM) for {@code hostname} and binds it to the edge. */
    StoredCertificate put(String hostname, String certificateChainPem, String privateKeyPem, Instant notAfter);

    Optional<StoredCertificate> get(String hostname);

    /** Unbinds and deletes the hostname's certificate; nothing happens when there is none. */
    void delete(String hostname);

    /** @param id the store's own id (CAS certificate id; the file name locally) */
    record StoredCertificate(String hostname, String id, Instant notAfter) {}
}
