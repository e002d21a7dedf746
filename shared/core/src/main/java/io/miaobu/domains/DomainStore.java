package io.miaobu.domains;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Persistence port for custom domains and the platform's ACME account key. */
public interface DomainStore {
    /** @throws io.miaobu.store.DuplicateKeyException when another domain already has this hostname */
    void insert(Domain domain);

    Optional<Domain> findById(String id);

    /** The claim of {@code hostname} that proved it (VERIFIED, ISSUING or ACTIVE): at most one. */
    Optional<Domain> findByHostname(String hostname);

    /**
     * {@code winnerId} proved {@code hostname}: every other claim still waiting for DNS ends in ERROR with
     * {@code message}. Returns how many.
     */
    int supersede(String hostname, String winnerId, String message, Instant now);

    List<Domain> listByProject(String projectId);

    /** Domains whose next_check_at has come, oldest first. */
    List<Domain> listDue(Instant now, int limit);

    /** The hostnames of a project's ACTIVE domains: they follow its live deployment. */
    List<String> activeHostnames(String projectId);

    /**
     * Writes every mutable field of {@code domain} when the stored row is still in one of
     * {@code expected} statuses; false when it was not (changed or deleted meanwhile).
     */
    boolean update(Domain domain, Collection<DomainStatus> expected);

    /**
     * Moves next_check_at from {@code expected} to {@code next} only if nobody else did: one
     * scheduler tick among concurrent ones gets to work on the domain.
     */
    boolean claim(String id, Instant expected, Instant next);

    boolean delete(String id);

    /** The encrypted ACME account key for a CA directory, if one was made. */
    Optional<String> accountKey(String directoryUrl);

    /** Keeps the first key saved for the directory (concurrent first uses agree on one); returns the kept one. */
    String saveAccountKey(String directoryUrl, String encryptedKey, Instant now);
}
