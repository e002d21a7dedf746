package io.miaobu.domains;

import java.time.Instant;

/**
 * Port: obtains a certificate for one hostname from a CA (ACME in production and tests). Blocks
 * until the CA answered; the HTTP-01 answers go through {@link AcmeChallenges}.
 */
public interface CertificateIssuer {
    IssuedCertificate issue(String hostname) throws IssuanceException;

    /**
     * @param renewAfter when to renew: the CA's renewal window (ACME ARI) when it offers one, else
     *                   30 days before notAfter
     */
    record IssuedCertificate(String chainPem, String privateKeyPem, String issuer, Instant notBefore,
                             Instant notAfter, Instant renewAfter) {
        @Override
        public String toString() {
            return "IssuedCertificate[issuer=" + issuer + ", notAfter=" + notAfter + ", key=***]";
        }
    }

    /** The CA refused or validation failed; the message is the CA's reason, fit to show the user. */
    final class IssuanceException extends Exception {
        public IssuanceException(String message) {
            super(message);
        }

        public IssuanceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    CertificateIssuer NOT_CONFIGURED = hostname -> {
        throw new IssuanceException("This Miaobu has no certificate authority configured (MIAOBU_ACME_DIRECTORY).");
    };
}
