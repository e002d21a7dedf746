package io.miaobu.postgres;

import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainStatus;
import io.miaobu.domains.DomainStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Custom domains in PostgreSQL; a hostname is unique across all projects. */
public final class PostgresDomainStore implements DomainStore {
    private final DomainDao dao;

    public PostgresDomainStore(DomainDao dao) {
        this.dao = dao;
    }

    @Override
    public void insert(Domain d) {
        Sql.translatingDuplicates("domain " + d.hostname(), () -> dao.insert(d.id(), d.projectId(), d.hostname(), d.apex(),
                d.status().name(), d.message(), d.token(), DomainMapper.write(d.dnsRecords()), d.nextCheckAt(),
                d.createdAt(), d.updatedAt()));
    }

    @Override
    public Optional<Domain> findById(String id) {
        return dao.findById(id);
    }

    @Override
    public Optional<Domain> findByHostname(String hostname) {
        return dao.findByHostname(hostname);
    }

    @Override
    public List<Domain> listByProject(String projectId) {
        return dao.listByProject(projectId);
    }

    @Override
    public List<Domain> listDue(Instant now, int limit) {
        return dao.listDue(now, limit);
    }

    @Override
    public List<String> activeHostnames(String projectId) {
        return dao.activeHostnames(projectId);
    }

    @Override
    public boolean update(Domain d, Collection<DomainStatus> expected) {
        // A claim becoming VERIFIED while another claim of its hostname already is breaks domains_hostname_proven.
        return Sql.translatingDuplicates("domain " + d.hostname(), () -> dao.update(d.id(), d.status().name(), d.message(), DomainMapper.write(d.dnsRecords()), d.checkAttempts(),
                d.lastCheckedAt(), d.nextCheckAt(), d.certStatus(), d.certIssuer(), d.certNotBefore(), d.certNotAfter(),
                d.renewAfter(), d.renewAttempts(), d.updatedAt(),
                expected.stream().map(DomainStatus::name).toList()) > 0);
    }

    @Override
    public int supersede(String hostname, String winnerId, String message, Instant now) {
        return dao.supersede(hostname, winnerId, message, now);
    }

    @Override
    public boolean claim(String id, Instant expected, Instant next) {
        return expected != null && dao.claim(id, expected, next) > 0;
    }

    @Override
    public boolean delete(String id) {
        return dao.delete(id) > 0;
    }

    @Override
    public Optional<String> accountKey(String directoryUrl) {
        return dao.accountKey(directoryUrl);
    }

    @Override
    public String saveAccountKey(String directoryUrl, String encryptedKey, Instant now) {
        dao.saveAccountKey(directoryUrl, encryptedKey, now);
        return dao.accountKey(directoryUrl).orElseThrow();
    }
}
