package io.miaobu.domains;

import java.util.List;

/** Port: asks DNS (the configured resolver) for one record type of one name. */
public interface DnsLookup {
    /**
     * @param type "A", "CNAME" or "TXT"
     * @return the record values (CNAME targets without the trailing dot, TXT strings joined), empty
     *         when the name or the type does not exist
     * @throws DnsLookupException when DNS could not be asked (timeout, SERVFAIL)
     */
    List<String> lookup(String name, String type);

    final class DnsLookupException extends RuntimeException {
        public DnsLookupException(String message) {
            super(message);
        }
    }
}
