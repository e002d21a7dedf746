package io.miaobu.testkit.memory;

import static io.miaobu.domains.DomainStatus.ACTIVE;
import static io.miaobu.domains.DomainStatus.ISSUING;
import static io.miaobu.domains.DomainStatus.PENDING_DNS;
import static io.miaobu.domains.DomainStatus.VERIFIED;

import io.miaobu.domains.DnsRecord;
import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainStatus;
import io.miaobu.domains.DomainStore;
import io.miaobu.store.DuplicateKeyException;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Domains in a map, kept as the table keeps them: a project claims a hostname once, one claim of a
 * hostname can be proven (VERIFIED, ISSUING or ACTIVE), a new claim starts with no checks or
 * certificate, and every change is made under one lock only when the row still is as expected.
 */
public final class InMemoryDomainStore implements DomainStore {
    private static final Set<DomainStatus> PROVEN = Set.of(VERIFIED, ISSUING, ACTIVE);
    private static final Comparator<Domain> BY_CREATION =
            Comparator.comparing(Domain::createdAt).thenComparing(Domain::hostname);
    private static final Comparator<Domain> BY_NEXT_CHECK =
            Comparator.comparing(Domain::nextCheckAt).thenComparing(Domain::id);

    private final Map<String, Domain> byId = new LinkedHashMap<>();
    private final Map<String, String> accountKeys = new HashMap<>();

    @Override
    public synchronized void insert(Domain d) {
        boolean taken = byId.containsKey(d.id()) || byId.values().stream()
                .anyMatch(o -> o.projectId().equals(d.projectId()) && o.hostname().equals(d.hostname()));
        if (taken || provenElsewhere(d.hostname(), d.id(), d.status())) {
            throw new DuplicateKeyException("domain " + d.hostname(), null);
        }
        byId.put(d.id(), new Domain(d.id(), d.projectId(), d.hostname(), d.apex(), d.status(), d.message(), d.token(),
                records(d), 0, null, Micros.of(d.nextCheckAt()), null, null, null, null, null, 0,
                Micros.of(d.createdAt()), Micros.of(d.updatedAt())));
    }

    @Override
    public synchronized Optional<Domain> findById(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<Domain> findByHostname(String hostname) {
        return byId.values().stream().filter(d -> d.hostname().equals(hostname) && PROVEN.contains(d.status())).findFirst();
    }

    @Override
    public synchronized int supersede(String hostname, String winnerId, String message, Instant now) {
        List<Domain> losers = byId.values().stream().filter(d -> d.hostname().equals(hostname)
                && !d.id().equals(winnerId) && d.status() == PENDING_DNS).toList();
        for (Domain d : losers) {
            byId.put(d.id(), new Domain(d.id(), d.projectId(), d.hostname(), d.apex(), DomainStatus.ERROR, message,
                    d.token(), d.dnsRecords(), d.checkAttempts(), d.lastCheckedAt(), null, d.certStatus(), d.certIssuer(),
                    d.certNotBefore(), d.certNotAfter(), d.renewAfter(), d.renewAttempts(), d.createdAt(), Micros.of(now)));
        }
        return losers.size();
    }

    @Override
    public synchronized List<Domain> listByProject(String projectId) {
        return byId.values().stream().filter(d -> d.projectId().equals(projectId)).sorted(BY_CREATION).toList();
    }

    @Override
    public synchronized List<Domain> listDue(Instant now, int limit) {
        return byId.values().stream().filter(d -> d.nextCheckAt() != null && !d.nextCheckAt().isAfter(now))
                .sorted(BY_NEXT_CHECK).limit(Math.max(0, limit)).toList();
    }

    @Override
    public synchronized List<String> activeHostnames(String projectId) {
        return byId.values().stream().filter(d -> d.projectId().equals(projectId) && d.status() == ACTIVE)
                .map(Domain::hostname).sorted().toList();
    }

    /** Id, project, hostname, apex, token and creation time are the claim itself and never change. */
    @Override
    public synchronized boolean update(Domain d, Collection<DomainStatus> expected) {
        Domain stored = byId.get(d.id());
        if (stored == null || !expected.contains(stored.status())) {
            return false;
        }
        if (provenElsewhere(stored.hostname(), d.id(), d.status())) {
            throw new DuplicateKeyException("domain " + d.hostname(), null);
        }
        byId.put(d.id(), new Domain(stored.id(), stored.projectId(), stored.hostname(), stored.apex(), d.status(),
                d.message(), stored.token(), records(d), d.checkAttempts(), Micros.of(d.lastCheckedAt()),
                Micros.of(d.nextCheckAt()), d.certStatus(), d.certIssuer(), Micros.of(d.certNotBefore()),
                Micros.of(d.certNotAfter()), Micros.of(d.renewAfter()), d.renewAttempts(), stored.createdAt(),
                Micros.of(d.updatedAt())));
        return true;
    }

    @Override
    public synchronized boolean claim(String id, Instant expected, Instant next) {
        Domain d = byId.get(id);
        if (expected == null || d == null || !Objects.equals(d.nextCheckAt(), Micros.of(expected))) {
            return false;
        }
        byId.put(id, new Domain(d.id(), d.projectId(), d.hostname(), d.apex(), d.status(), d.message(), d.token(),
                d.dnsRecords(), d.checkAttempts(), d.lastCheckedAt(), Micros.of(next), d.certStatus(), d.certIssuer(),
                d.certNotBefore(), d.certNotAfter(), d.renewAfter(), d.renewAttempts(), d.createdAt(), d.updatedAt()));
        return true;
    }

    @Override
    public synchronized boolean delete(String id) {
        return byId.remove(id) != null;
    }

    @Override
    public synchronized Optional<String> accountKey(String directoryUrl) {
        return Optional.ofNullable(accountKeys.get(directoryUrl));
    }

    @Override
    public synchronized String saveAccountKey(String directoryUrl, String encryptedKey, Instant now) {
        return accountKeys.computeIfAbsent(directoryUrl, k -> encryptedKey);
    }

    /** A copy, as a row's jsonb is: the caller's list may change afterwards. */
    private static List<DnsRecord> records(Domain d) {
        return d.dnsRecords() == null ? null : List.copyOf(d.dnsRecords());
    }

    /** Whether {@code status} would be a second proven claim of the hostname (domains_hostname_proven). */
    private boolean provenElsewhere(String hostname, String id, DomainStatus status) {
        return PROVEN.contains(status) && byId.values().stream()
                .anyMatch(o -> !o.id().equals(id) && o.hostname().equals(hostname) && PROVEN.contains(o.status()));
    }
}
