package io.miaobu.domains;

import java.time.Instant;
import java.util.List;

/**
 * A user's own hostname on a project, with its DNS records, state and certificate.
 *
 * @param token the ownership proof the TXT record {@code _miaobu.{hostname}} must carry
 * @param checkAttempts DNS checks (or issuance attempts) since the last change of status; drives backoff
 * @param nextCheckAt when the scheduler looks at this domain next (recheck, issue or renew); null: never
 * @param certStatus ISSUING, ACTIVE or ERROR once a certificate was asked for; null before
 * @param renewAttempts failed renewals in a row; reset by a successful one
 */
public record Domain(
        String id,
        String projectId,
        String hostname,
        boolean apex,
        DomainStatus status,
        String message,
        String token,
        List<DnsRecord> dnsRecords,
        int checkAttempts,
        Instant lastCheckedAt,
        Instant nextCheckAt,
        String certStatus,
        String certIssuer,
        Instant certNotBefore,
        Instant certNotAfter,
        Instant renewAfter,
        int renewAttempts,
        Instant createdAt,
        Instant updatedAt) {

    public String txtValue() {
        return "miaobu-verify=" + token;
    }

    Domain withStatus(DomainStatus newStatus, String newMessage, Instant now) {
        return new Domain(id, projectId, hostname, apex, newStatus, newMessage, token, dnsRecords, checkAttempts,
                lastCheckedAt, nextCheckAt, certStatus, certIssuer, certNotBefore, certNotAfter, renewAfter,
                renewAttempts, createdAt, now);
    }

    Domain withChecks(List<DnsRecord> records, int attempts, Instant checkedAt, Instant next) {
        return new Domain(id, projectId, hostname, apex, status, message, token, records, attempts, checkedAt, next,
                certStatus, certIssuer, certNotBefore, certNotAfter, renewAfter, renewAttempts, createdAt, updatedAt);
    }

    Domain withNextCheck(Instant next) {
        return new Domain(id, projectId, hostname, apex, status, message, token, dnsRecords, checkAttempts,
                lastCheckedAt, next, certStatus, certIssuer, certNotBefore, certNotAfter, renewAfter, renewAttempts,
                createdAt, updatedAt);
    }

    Domain withCertificate(String newCertStatus, String issuer, Instant notBefore, Instant notAfter, Instant renew,
                           int renewals) {
        return new Domain(id, projectId, hostname, apex, status, message, token, dnsRecords, checkAttempts,
                lastCheckedAt, nextCheckAt, newCertStatus, issuer, notBefore, notAfter, renew, renewals, createdAt,
                updatedAt);
    }
}
