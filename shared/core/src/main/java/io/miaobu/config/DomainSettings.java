package io.miaobu.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Custom domains and their certificates (issue 7, DESIGN §7).
 *
 * @param edgeTarget MIAOBU_EDGE_TARGET: the CNAME target users point subdomains at
 * @param apexAddresses MIAOBU_APEX_ADDRESSES: the A records an apex domain needs (empty: apex domains are refused)
 * @param mainland MIAOBU_EDGE_REGION=mainland: domains need an ICP filing before the edge serves them
 * @param acmeDirectory MIAOBU_ACME_DIRECTORY: the ACME CA (empty: certificates cannot be issued)
 * @param acmeCaCertificate MIAOBU_ACME_CA_CERT: a PEM file the ACME directory's TLS certificate chains to (test CAs such as Pebble)
 * @param dnsResolver MIAOBU_DNS_RESOLVER host[:port]; empty: the system's resolvers
 * @param httpsPort MIAOBU_HTTPS_PORT: local mode serves ACTIVE custom domains over HTTPS here
 * @param verifyFor MIAOBU_DOMAIN_VERIFY_HOURS: how long the scheduler keeps re-checking a domain's DNS
 * @param certificates MIAOBU_CERTIFICATES: "acme" (Miaobu issues) or "esa-managed" (the edge does)
 * @param alidns MIAOBU_ALIDNS=on: ACME DNS-01 answers go into the operator's Alidns zones, so wildcard
 *               domains (*.example.com, zone hosted in that Alidns account) can be added
 * @param alidnsEndpoint MIAOBU_ALIDNS_ENDPOINT: the Alidns API host (default alidns.aliyuncs.com)
 */
public record DomainSettings(
        String edgeTarget,
        List<String> apexAddresses,
        boolean mainland,
        Optional<String> acmeDirectory,
        Optional<String> acmeEmail,
        Optional<String> acmeCaCertificate,
        Optional<String> dnsResolver,
        Optional<Integer> httpsPort,
        Duration verifyFor,
        String certificates,
        boolean alidns,
        String alidnsEndpoint) {

    static DomainSettings fromEnv(Function<String, Optional<String>> env, String baseDomain) {
        boolean localBase = baseDomain.equals("localhost") || baseDomain.endsWith(".localhost");
        String region = env.apply("MIAOBU_EDGE_REGION").orElse("global").toLowerCase(Locale.ROOT);
        if (!region.equals("global") && !region.equals("mainland")) {
            throw new ConfigException("MIAOBU_EDGE_REGION must be global or mainland, got \"" + region + "\"");
        }
        List<String> apex = env.apply("MIAOBU_APEX_ADDRESSES")
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(localBase ? List.of("127.0.0.1") : List.of());
        for (String address : apex) {
            if (!address.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
                throw new ConfigException("MIAOBU_APEX_ADDRESSES must be IPv4 addresses separated by commas, got \"" + address + "\"");
            }
        }
        String certificates = certificatesMode(env);
        Optional<Integer> httpsPort = env.apply("MIAOBU_HTTPS_PORT").map(v -> {
            try {
                int port = Integer.parseInt(v);
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ConfigException("MIAOBU_HTTPS_PORT must be a port number (1-65535), got \"" + v + "\"");
        });
        int hours;
        try {
            hours = Integer.parseInt(env.apply("MIAOBU_DOMAIN_VERIFY_HOURS").orElse("72"));
        } catch (NumberFormatException e) {
            throw new ConfigException("MIAOBU_DOMAIN_VERIFY_HOURS must be a whole number of hours");
        }
        boolean alidns = onOff(env.apply("MIAOBU_ALIDNS").orElse("off"));
        if (alidns && !certificates.equals("acme")) {
            // ESA issues esa-managed certificates itself, so no DNS-01 answer of ours would be asked for.
            throw new ConfigException("MIAOBU_ALIDNS=on needs MIAOBU_CERTIFICATES=acme: with " + certificates
                    + " Miaobu orders no certificates, so wildcard domains could not be certified");
        }
        return new DomainSettings(
                env.apply("MIAOBU_EDGE_TARGET").map(v -> v.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""))
                        .orElse("edge." + baseDomain),
                apex,
                region.equals("mainland"),
                env.apply("MIAOBU_ACME_DIRECTORY"),
                env.apply("MIAOBU_ACME_EMAIL"),
                env.apply("MIAOBU_ACME_CA_CERT"),
                env.apply("MIAOBU_DNS_RESOLVER"),
                httpsPort,
                Duration.ofHours(Math.max(1, hours)),
                certificates,
                alidns,
                env.apply("MIAOBU_ALIDNS_ENDPOINT").orElse("alidns.aliyuncs.com"));
    }

    private static boolean onOff(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "1" -> true;
            case "off", "false", "0", "" -> false;
            default -> throw new ConfigException("MIAOBU_ALIDNS must be on or off, got \"" + value + "\"");
        };
    }

    /** MIAOBU_CERTIFICATES, read by the domains and the ESA settings alike. */
    static String certificatesMode(Function<String, Optional<String>> env) {
        String certificates = env.apply("MIAOBU_CERTIFICATES").orElse("acme").toLowerCase(Locale.ROOT);
        if (!certificates.equals("acme") && !certificates.equals("esa-managed")) {
            throw new ConfigException("MIAOBU_CERTIFICATES must be acme or esa-managed, got \"" + certificates + "\"");
        }
        return certificates;
    }
}
