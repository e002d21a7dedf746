package io.miaobu.config;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The production edge's settings (DESIGN §5, §9): ESA edge KV for routes, ESA purge, ESA custom
 * hostnames for users' domains, certificates in CAS, and optionally Aliyun CDN in front. An adapter
 * is used when its settings are present: routes go to edge KV once MIAOBU_ESA_KV_NAMESPACE is set,
 * purges and custom hostnames to ESA once MIAOBU_ESA_SITE_ID is set.
 *
 * @param kvNamespace  MIAOBU_ESA_KV_NAMESPACE, the edge KV namespace the routine reads
 * @param siteId       MIAOBU_ESA_SITE_ID, the ESA site (ListSites) that serves {@code *.{base}} and custom hostnames
 * @param endpoint     MIAOBU_ESA_ENDPOINT, ESA's API host (or a full URL)
 * @param routine      MIAOBU_ESA_ROUTINE, the edge routine's name ({@code ./miaobu edge publish})
 * @param edgeTarget   MIAOBU_EDGE_TARGET, the site's record that custom hostnames CNAME to (and attach to)
 * @param certificates MIAOBU_CERTIFICATES: "acme" (Miaobu's ACME + CAS) or "esa-managed" (ESA issues them)
 * @param cdnPurge     MIAOBU_CDN_PURGE=on: also refresh Aliyun CDN when a site's hosts change
 * @param cdnEndpoint  MIAOBU_CDN_ENDPOINT, CDN's API host
 * @param casEndpoint  MIAOBU_CAS_ENDPOINT, CAS's API host
 */
public record EdgeSettings(
        Optional<String> kvNamespace,
        Optional<String> siteId,
        String endpoint,
        String routine,
        Optional<String> edgeTarget,
        String certificates,
        boolean cdnPurge,
        String cdnEndpoint,
        String casEndpoint) {

    public static final String DEFAULT_ENDPOINT = "esa.cn-hangzhou.aliyuncs.com";
    public static final String DEFAULT_ROUTINE = "miaobu-edge";
    public static final String DEFAULT_CDN_ENDPOINT = "cdn.aliyuncs.com";
    public static final String DEFAULT_CAS_ENDPOINT = "cas.aliyuncs.com";

    public static EdgeSettings fromEnv(Function<String, Optional<String>> env) {
        Optional<String> namespace = env.apply("MIAOBU_ESA_KV_NAMESPACE");
        namespace.ifPresent(ns -> {
            // CreateKvNamespace accepts letters, digits, '-' and '_'.
            if (!ns.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new ConfigException("MIAOBU_ESA_KV_NAMESPACE must be an edge KV namespace name (letters, digits, - and _), got \"" + ns + "\"");
            }
        });
        Optional<String> siteId = env.apply("MIAOBU_ESA_SITE_ID");
        siteId.ifPresent(id -> {
            if (!id.matches("[0-9]{1,20}")) {
                throw new ConfigException("MIAOBU_ESA_SITE_ID must be the numeric site id ESA shows (ListSites), got \"" + id + "\"");
            }
        });
        String certificates = DomainSettings.certificatesMode(env);
        if (certificates.equals("esa-managed") && siteId.isEmpty()) {
            throw new ConfigException("MIAOBU_CERTIFICATES=esa-managed needs MIAOBU_ESA_SITE_ID: ESA issues the certificates of the site's custom hostnames");
        }
        String cdn = env.apply("MIAOBU_CDN_PURGE").orElse("off").toLowerCase(Locale.ROOT);
        if (!cdn.equals("on") && !cdn.equals("off")) {
            throw new ConfigException("MIAOBU_CDN_PURGE must be on or off, got \"" + cdn + "\"");
        }
        return new EdgeSettings(namespace, siteId,
                env.apply("MIAOBU_ESA_ENDPOINT").orElse(DEFAULT_ENDPOINT),
                env.apply("MIAOBU_ESA_ROUTINE").orElse(DEFAULT_ROUTINE),
                env.apply("MIAOBU_EDGE_TARGET").map(t -> t.toLowerCase(Locale.ROOT).replaceAll("\\.$", "")),
                certificates, cdn.equals("on"),
                env.apply("MIAOBU_CDN_ENDPOINT").orElse(DEFAULT_CDN_ENDPOINT),
                env.apply("MIAOBU_CAS_ENDPOINT").orElse(DEFAULT_CAS_ENDPOINT));
    }

    /** Routes live in edge KV (else in the local route table). */
    public boolean edgeKv() {
        return kvNamespace.isPresent();
    }

    /** Purges and custom hostnames go to an ESA site. */
    public boolean site() {
        return siteId.isPresent();
    }

    /** ESA issues custom hostnames' certificates itself; Miaobu's ACME + CAS path stays idle. */
    public boolean esaManagedCertificates() {
        return certificates.equals("esa-managed");
    }

    /** The CAS region ESA asks for with a CAS certificate id: international CAS lives in ap-southeast-1. */
    public String casRegion() {
        return casEndpoint.contains("ap-southeast-1") ? "ap-southeast-1" : "cn-hangzhou";
    }
}
