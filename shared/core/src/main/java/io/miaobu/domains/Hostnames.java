package io.miaobu.domains;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import io.miaobu.errors.ApiError;
import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks a hostname a user wants to add: a real name under a public suffix (the Public Suffix List
 * as shipped in Guava), not an IP address, not the platform's own base domain or a name under it.
 */
public final class Hostnames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Hostnames() {}

    /** A validated hostname: lowercase ASCII (IDNs as punycode), no trailing dot. */
    public record Checked(String hostname, boolean apex) {}

    public static Checked check(String raw, String baseDomain) {
        return check(raw, baseDomain, false);
    }

    /** Whether a checked hostname is a wildcard, {@code *.example.com}. */
    public static boolean isWildcard(String hostname) {
        return hostname.startsWith("*.");
    }

    /**
     * The name a hostname's DNS records sit on: itself, or a wildcard's base name ({@code example.com}
     * for {@code *.example.com}), as no record named {@code _x.*.example.com} can be created.
     */
    public static String recordOwner(String hostname) {
        return isWildcard(hostname) ? hostname.substring(2) : hostname;
    }

    /**
     * @param wildcards whether {@code *.example.com} may be added: only with DNS-01 (MIAOBU_ALIDNS=on),
     *                  the one way a CA validates a wildcard name
     */
    public static Checked check(String raw, String baseDomain, boolean wildcards) {
        if (wildcards && raw != null && isWildcard(raw.trim())) {
            Checked base = check(raw.trim().substring(2), baseDomain, false);
            return new Checked("*." + base.hostname(), false);
        }
        if (raw == null || raw.isBlank()) {
            throw invalid("Give the hostname to add, such as www.example.com.");
        }
        String trimmed = raw.trim();
        if (trimmed.contains("://") || trimmed.contains("/") || trimmed.contains(":")) {
            throw invalid("\"" + trimmed + "\" is not a hostname: give only the name, such as www.example.com, without scheme, port or path.");
        }
        if (trimmed.startsWith("*")) {
            throw invalid(wildcards ? "\"" + trimmed + "\" is not a valid wildcard: use *. followed by a domain name, such as *.example.com."
                    : "Wildcard domains need DNS-01 validation, which this Miaobu does not offer (its operator can enable it with"
                    + " MIAOBU_ALIDNS=on); add each hostname on its own.");
        }
        String host;
        try {
            host = IDN.toASCII(trimmed.replaceAll("\\.$", ""), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw invalid("\"" + trimmed + "\" is not a valid hostname: use letters, digits and hyphens between dots.");
        }
        if (InetAddresses.isInetAddress(host) || host.matches("[0-9.]+")) {
            throw invalid("\"" + host + "\" is an IP address; custom domains are names such as www.example.com.");
        }
        if (host.length() > 253 || host.isEmpty()) {
            throw invalid("\"" + host + "\" is not a valid hostname: at most 253 characters.");
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw invalid("\"" + host + "\" is not a valid hostname: each part between dots is 1-63 letters, digits or"
                        + " hyphens, not starting or ending with a hyphen.");
            }
        }
        String base = baseDomain.toLowerCase(Locale.ROOT);
        if (host.equals(base) || host.endsWith("." + base)) {
            throw invalid("\"" + host + "\" is under this platform's own domain " + base
                    + "; every project already has {name}." + base + ". Add a domain you own.");
        }
        InternetDomainName name;
        try {
            name = InternetDomainName.from(host);
        } catch (IllegalArgumentException e) {
            throw invalid("\"" + host + "\" is not a valid hostname.");
        }
        if (!name.isUnderPublicSuffix()) {
            throw invalid("\"" + host + "\" is not a registrable domain name (its ending is not a public suffix, or it"
                    + " is one itself); add a name you registered, such as www.example.com.");
        }
        return new Checked(host, name.isTopPrivateDomain());
    }

    /**
     * The name of a DNS record as a registrar's form asks for it: relative to the registered
     * domain ({@code www} for www.example.com, {@code @} for example.com itself), or the full
     * name when the registered domain cannot be told.
     */
    public static String hostLabel(String recordName, String hostname) {
        String zone;
        try {
            zone = InternetDomainName.from(hostname.startsWith("*.") ? hostname.substring(2) : hostname).topPrivateDomain().toString();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return recordName;
        }
        if (recordName.equals(zone)) {
            return "@";
        }
        return recordName.endsWith("." + zone) ? recordName.substring(0, recordName.length() - zone.length() - 1) : recordName;
    }

    private static ApiError invalid(String message) {
        return ApiError.invalid("invalid_hostname", "hostname", message);
    }
}
