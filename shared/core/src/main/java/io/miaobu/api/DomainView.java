package io.miaobu.api;

import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainStatus;
import io.miaobu.domains.Hostnames;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A custom domain: the DNS records its owner must create, what DNS answered, and its certificate.
 *
 * @param icpRequired whether the platform's edge serves mainland China, where a domain needs an ICP filing
 * @param wildcard    {@code *.example.com}: it serves every name one label under example.com
 * @param url         its address; null for a wildcard, which is no one URL
 */
@ApiSchema("Domain")
public record DomainView(
        String id,
        String projectId,
        String hostname,
        DomainStatus status,
        @Nullable String message,
        boolean apex,
        List<DnsRecord> dnsRecords,
        @Nullable Certificate certificate,
        boolean icpRequired,
        boolean wildcard,
        @Nullable String url,
        @Nullable Instant lastCheckedAt,
        @Nullable Instant nextCheckAt,
        Instant createdAt) {

    /**
     * @param host   the name as registrars' forms ask for it: www, @, _miaobu.www
     * @param status OK, MISSING or WRONG
     * @param found  what DNS answered, or null when nothing
     */
    public record DnsRecord(String type, String name, String host, String value, String purpose, String status,
                            @Nullable String found) {}

    /** @param status ISSUING, ACTIVE or ERROR */
    public record Certificate(String status, @Nullable String issuer, @Nullable Instant notBefore,
                              @Nullable Instant notAfter, @Nullable Instant renewAfter) {}

    /** @param icpRequired whether the edge serves mainland China (the domains settings' {@code mainland}) */
    public static DomainView of(Domain d, boolean icpRequired) {
        String message = d.message();
        if (message == null && icpRequired && d.status() != DomainStatus.ERROR) {
            message = "This platform's edge serves mainland China: " + d.hostname() + " must have an ICP filing (ICP 备案)"
                    + " before the edge will serve it, even with a valid certificate.";
        }
        List<DnsRecord> records = d.dnsRecords().stream().map(r -> new DnsRecord(r.type(), r.name(),
                Hostnames.hostLabel(r.name(), d.hostname()), r.value(), r.purpose(),
                r.status() == null ? io.miaobu.domains.DnsRecord.MISSING : r.status(), r.found())).toList();
        Certificate certificate = d.certStatus() == null ? null : new Certificate(d.certStatus(), d.certIssuer(),
                d.certNotBefore(), d.certNotAfter(), d.renewAfter());
        boolean wildcard = Hostnames.isWildcard(d.hostname());
        return new DomainView(d.id(), d.projectId(), d.hostname(), d.status(), message, d.apex(), records, certificate,
                icpRequired, wildcard, wildcard ? null : "https://" + d.hostname(), d.lastCheckedAt(), d.nextCheckAt(),
                d.createdAt());
    }
}
