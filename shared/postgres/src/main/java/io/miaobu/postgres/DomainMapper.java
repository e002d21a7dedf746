package io.miaobu.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.domains.DnsRecord;
import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** A domains row; its DNS records are a jsonb array. */
public final class DomainMapper implements RowMapper<Domain> {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<List<DnsRecord>> RECORDS = new TypeReference<>() {};

    @Override
    public Domain map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Domain(rs.getString("id"), rs.getString("project_id"), rs.getString("hostname"), rs.getBoolean("apex"),
                DomainStatus.valueOf(rs.getString("status")), rs.getString("message"), rs.getString("token"),
                records(rs.getString("dns_records")), rs.getInt("check_attempts"), instant(rs, "last_checked_at"),
                instant(rs, "next_check_at"), rs.getString("cert_status"), rs.getString("cert_issuer"),
                instant(rs, "cert_not_before"), instant(rs, "cert_not_after"), instant(rs, "renew_after"),
                rs.getInt("renew_attempts"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    static String write(List<DnsRecord> records) {
        try {
            return MAPPER.writeValueAsString(records);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("DNS records are not serialisable", e);
        }
    }

    private static List<DnsRecord> records(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return MAPPER.readValue(json, RECORDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored DNS records are not valid: " + json, e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
