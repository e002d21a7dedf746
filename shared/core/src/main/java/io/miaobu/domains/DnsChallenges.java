package io.miaobu.domains;

import java.util.Locale;

/**
 * Port: publishes ACME DNS-01 answers, the TXT record {@code _acme-challenge.{host}} (RFC 8555
 * §8.4), in a DNS zone the operator controls (Alidns in production). Needed for wildcard names,
 * which the CA validates only over DNS.
 */
public interface DnsChallenges {
    /**
     * Adds the TXT record {@link #recordName(String) _acme-challenge.{hostname}} with this value.
     *
     * @return a handle for {@link #delete(String)}
     */
    String put(String hostname, String value);

    /** Removes the record {@link #put} created; idempotent. */
    void delete(String handle);

    /** The challenge name for a hostname; a wildcard's is its base name's (RFC 8555 §8.4). */
    static String recordName(String hostname) {
        return "_acme-challenge." + Hostnames.recordOwner(hostname.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
    }
}
