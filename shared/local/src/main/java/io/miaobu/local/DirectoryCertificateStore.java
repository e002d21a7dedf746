package io.miaobu.local;

import io.miaobu.domains.CertificateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * CertificateStore as PEM files: {@code {dir}/{hostname}.crt} (chain) and {@code {hostname}.key}
 * (mode 0600), read by the local edge's HTTPS server by SNI. Each file is written to a temp file
 * and renamed, key first, so a reader never pairs a new certificate with a missing key.
 */
public final class DirectoryCertificateStore implements CertificateStore {
    private final Path dir;

    public DirectoryCertificateStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the data directory's own protection applies
        }
    }

    @Override
    public StoredCertificate put(String hostname, String certificateChainPem, String privateKeyPem, Instant notAfter) {
        check(hostname);
        try {
            write(dir.resolve(hostname + ".key"), privateKeyPem);
            write(dir.resolve(hostname + ".crt"), certificateChainPem);
            Files.setLastModifiedTime(dir.resolve(hostname + ".crt"), java.nio.file.attribute.FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the certificate of " + hostname, e);
        }
        return new StoredCertificate(hostname, hostname + ".crt", notAfter);
    }

    @Override
    public Optional<StoredCertificate> get(String hostname) {
        check(hostname);
        Path crt = dir.resolve(hostname + ".crt");
        if (!Files.exists(crt)) {
            return Optional.empty();
        }
        try (var in = Files.newInputStream(crt)) {
            var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            return Optional.of(new StoredCertificate(hostname, hostname + ".crt", cert.getNotAfter().toInstant()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException("stored certificate of " + hostname + " is unreadable", e);
        }
    }

    @Override
    public void delete(String hostname) {
        check(hostname);
        try {
            Files.deleteIfExists(dir.resolve(hostname + ".crt"));
            Files.deleteIfExists(dir.resolve(hostname + ".key"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the certificate of " + hostname, e);
        }
    }

    private void write(Path target, String pem) throws IOException {
        Path tmp = Files.createTempFile(dir, ".cert-", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Hostnames were validated when added; this keeps a bad one from naming another file. A wildcard's file is "*.{base}". */
    private static void check(String hostname) {
        if (!hostname.matches("(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?") || hostname.contains("..")) {
            throw new IllegalArgumentException("not a hostname: " + hostname);
        }
    }
}
