package io.miaobu.esa;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.CertificateBinding;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.ConfigException;
import io.miaobu.domains.EdgeHostnames;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Users' own domains as ESA SaaS custom hostnames of the operator's site, attached to the site's
 * record that users CNAME to (MIAOBU_EDGE_TARGET). With ESA-managed certificates the hostname is
 * created with {@code CertType=free} and ESA issues and renews its certificate; otherwise Miaobu's
 * ACME certificates, stored in CAS, are bound with {@code CertType=cas} (this class is also the
 * CertificateBinding the CAS store uses).
 */
public final class EsaEdgeHostnames implements EdgeHostnames, CertificateBinding {
    /** What the functions' role must allow for custom hostnames (ListRecords finds MIAOBU_EDGE_TARGET's record). */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("ESA custom hostnames", "esa", "ListRecords",
            "CreateCustomHostname", "ListCustomHostnames", "UpdateCustomHostname", "DeleteCustomHostname");

    private final EsaApi api;
    private final String siteId;
    private final Optional<String> edgeTarget;
    private final boolean esaManagedCertificates;
    private final String casRegion;
    private static final int RECORD_PAGE = 500;
    private static final int MAX_RECORD_PAGES = 20;
    private volatile String recordId;

    public EsaEdgeHostnames(EsaApi api, String siteId, Optional<String> edgeTarget, boolean esaManagedCertificates, String casRegion) {
        this.api = api;
        this.siteId = siteId;
        this.edgeTarget = edgeTarget;
        this.esaManagedCertificates = esaManagedCertificates;
        this.casRegion = casRegion;
    }

    @Override
    public void attach(String hostname) {
        String host = normal(hostname);
        if (find(host).isPresent()) {
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("SiteId", siteId);
        params.put("Hostname", host);
        params.put("RecordId", recordId());
        if (esaManagedCertificates) {
            params.put("SslFlag", "on");
            params.put("CertType", "free");
        } else {
            params.put("SslFlag", "off"); // until the ACME certificate is bound
        }
        try {
            api.call("CreateCustomHostname", params);
        } catch (AliyunApiException e) {
            // A retried create (after a timeout) or a concurrent attach: the hostname is there, as wanted.
            if (e.code() == null || !e.code().contains("AlreadyExist")) {
                throw e;
            }
        }
    }

    @Override
    public void detach(String hostname) {
        find(normal(hostname)).ifPresent(id -> api.call("DeleteCustomHostname", Map.of("HostnameId", id)));
    }

    @Override
    public void bind(String hostname, String casId) {
        String host = normal(hostname);
        attach(host);
        String id = find(host).orElseThrow(() -> new IllegalStateException(
                "ESA did not list the custom hostname " + host + " right after creating it"));
        api.call("UpdateCustomHostname", Map.of("HostnameId", id, "SslFlag", "on", "CertType", "cas",
                "CasId", casId, "CasRegion", casRegion));
    }

    @Override
    public void unbind(String hostname) {
        find(normal(hostname)).ifPresent(id -> api.call("UpdateCustomHostname", Map.of("HostnameId", id, "SslFlag", "off")));
    }

    /** The custom hostname's id, when the site has it. */
    Optional<String> find(String host) {
        JsonNode answer = api.call("ListCustomHostnames", Map.of("SiteId", siteId, "Hostname", host));
        for (JsonNode item : answer.path("Hostnames")) {
            if (item.path("Hostname").asText().equalsIgnoreCase(host)) {
                return Optional.of(item.path("HostnameId").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * The id of the record custom hostnames attach to (for {@code ./miaobu cloud check}); a
     * ConfigException saying what to set when the site has none.
     */
    public String targetRecordId() {
        return recordId();
    }

    /**
     * The record custom hostnames attach to. MIAOBU_EDGE_TARGET may name it (edge.example.com) or be
     * the CNAME ESA assigned to it (ListRecords' RecordCname, such as edge.example.com.w.kunlunaq.com),
     * since either is what users point their CNAME at.
     */
    private String recordId() {
        String id = recordId;
        if (id != null) {
            return id;
        }
        String target = edgeTarget.orElseThrow(() -> new ConfigException(
                "MIAOBU_EDGE_TARGET is not set: custom hostnames attach to the ESA site's record that users CNAME to "
                        + "(e.g. edge.example.com, a record of site " + siteId + ")"));
        JsonNode named = api.call("ListRecords", Map.of("SiteId", siteId, "RecordName", target));
        Optional<String> found = match(named, "RecordName", target);
        for (int page = 1; found.isEmpty() && page <= MAX_RECORD_PAGES; page++) {
            JsonNode answer = api.call("ListRecords", Map.of("SiteId", siteId, "PageNumber", String.valueOf(page),
                    "PageSize", String.valueOf(RECORD_PAGE)));
            found = match(answer, "RecordCname", target);
            if (answer.path("Records").size() < RECORD_PAGE) {
                break;
            }
        }
        recordId = found.orElseThrow(() -> new ConfigException("ESA site " + siteId + " has no record named " + target
                + " (MIAOBU_EDGE_TARGET), nor one whose CNAME is " + target + ": add a proxied record such as edge.{base} "
                + "to the site (origin: the OSS bucket) and set MIAOBU_EDGE_TARGET to its name (or to the CNAME ESA gives it)"));
        return recordId;
    }

    private static Optional<String> match(JsonNode answer, String field, String value) {
        for (JsonNode record : answer.path("Records")) {
            if (normal(record.path(field).asText()).equals(value)) {
                return Optional.of(record.path("RecordId").asText());
            }
        }
        return Optional.empty();
    }

    private static String normal(String hostname) {
        return hostname.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
    }
}
