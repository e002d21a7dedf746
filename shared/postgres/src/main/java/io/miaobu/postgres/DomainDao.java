package io.miaobu.postgres;

import io.miaobu.domains.Domain;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for custom domains and the platform's ACME account keys. */
@RegisterRowMapper(DomainMapper.class)
public interface DomainDao {
    String COLUMNS = "id, project_id, hostname, apex, status, message, token, dns_records::text AS dns_records,"
            + " check_attempts, last_checked_at, next_check_at, cert_status, cert_issuer, cert_not_before,"
            + " cert_not_after, renew_after, renew_attempts, created_at, updated_at";

    @SqlUpdate("INSERT INTO domains (id, project_id, hostname, apex, status, message, token, dns_records, check_attempts,"
            + " last_checked_at, next_check_at, created_at, updated_at) VALUES (:id, :projectId, :hostname, :apex,"
            + " :status, :message, :token, CAST(:records AS jsonb), 0, NULL, :nextCheckAt, :createdAt, :updatedAt)")
    void insert(@Bind("id") String id, @Bind("projectId") String projectId, @Bind("hostname") String hostname,
                @Bind("apex") boolean apex, @Bind("status") String status, @Bind("message") String message,
                @Bind("token") String token, @Bind("records") String records, @Bind("nextCheckAt") Instant nextCheckAt,
                @Bind("createdAt") Instant createdAt, @Bind("updatedAt") Instant updatedAt);

    @SqlQuery("SELECT " + COLUMNS + " FROM domains WHERE id = :id")
    Optional<Domain> findById(@Bind("id") String id);

    @SqlQuery("SELECT " + COLUMNS + " FROM domains WHERE hostname = :hostname AND status IN ('VERIFIED', 'ISSUING', 'ACTIVE')")
    Optional<Domain> findByHostname(@Bind("hostname") String hostname);

    @SqlUpdate("UPDATE domains SET status = 'ERROR', message = :message, next_check_at = NULL, updated_at = :now"
            + " WHERE hostname = :hostname AND id <> :winner AND status = 'PENDING_DNS'")
    int supersede(@Bind("hostname") String hostname, @Bind("winner") String winnerId, @Bind("message") String message,
                  @Bind("now") Instant now);

    @SqlQuery("SELECT " + COLUMNS + " FROM domains WHERE project_id = :projectId ORDER BY created_at, hostname")
    List<Domain> listByProject(@Bind("projectId") String projectId);

    @SqlQuery("SELECT " + COLUMNS + " FROM domains WHERE next_check_at <= :now ORDER BY next_check_at LIMIT :limit")
    List<Domain> listDue(@Bind("now") Instant now, @Bind("limit") int limit);

    @SqlQuery("SELECT hostname FROM domains WHERE project_id = :projectId AND status = 'ACTIVE' ORDER BY hostname")
    List<String> activeHostnames(@Bind("projectId") String projectId);

    @SqlUpdate("UPDATE domains SET status = :status, message = :message, dns_records = CAST(:records AS jsonb),"
            + " check_attempts = :checkAttempts, last_checked_at = :lastCheckedAt, next_check_at = :nextCheckAt,"
            + " cert_status = :certStatus, cert_issuer = :certIssuer, cert_not_before = :certNotBefore,"
            + " cert_not_after = :certNotAfter, renew_after = :renewAfter, renew_attempts = :renewAttempts,"
            + " updated_at = :updatedAt WHERE id = :id AND status IN (<expected>)")
    int update(@Bind("id") String id, @Bind("status") String status, @Bind("message") String message,
               @Bind("records") String records, @Bind("checkAttempts") int checkAttempts,
               @Bind("lastCheckedAt") Instant lastCheckedAt, @Bind("nextCheckAt") Instant nextCheckAt,
               @Bind("certStatus") String certStatus, @Bind("certIssuer") String certIssuer,
               @Bind("certNotBefore") Instant certNotBefore, @Bind("certNotAfter") Instant certNotAfter,
               @Bind("renewAfter") Instant renewAfter, @Bind("renewAttempts") int renewAttempts,
               @Bind("updatedAt") Instant updatedAt, @BindList("expected") Collection<String> expected);

    @SqlUpdate("UPDATE domains SET next_check_at = :next WHERE id = :id AND next_check_at = :expected")
    int claim(@Bind("id") String id, @Bind("expected") Instant expected, @Bind("next") Instant next);

    @SqlUpdate("DELETE FROM domains WHERE id = :id")
    int delete(@Bind("id") String id);

    @SqlQuery("SELECT key_encrypted FROM acme_accounts WHERE directory_url = :directory")
    Optional<String> accountKey(@Bind("directory") String directory);

    @SqlUpdate("INSERT INTO acme_accounts (directory_url, key_encrypted, created_at) VALUES (:directory, :key, :now)"
            + " ON CONFLICT (directory_url) DO NOTHING")
    int saveAccountKey(@Bind("directory") String directory, @Bind("key") String key, @Bind("now") Instant now);
}
