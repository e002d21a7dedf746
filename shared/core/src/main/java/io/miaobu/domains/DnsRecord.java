package io.miaobu.domains;

/**
 * One DNS record the user must create, and what the last lookup found.
 *
 * @param purpose "routing" (CNAME/A to the edge) or "ownership" (the TXT token)
 * @param status OK, MISSING or WRONG; null before the first check
 * @param found what DNS answered (values joined by ", "), or null when nothing
 */
public record DnsRecord(String type, String name, String value, String purpose, String status, String found) {
    public static final String OK = "OK";
    public static final String MISSING = "MISSING";
    public static final String WRONG = "WRONG";

    public boolean ok() {
        return OK.equals(status);
    }

    DnsRecord checked(String newStatus, String newFound) {
        return new DnsRecord(type, name, value, purpose, newStatus, newFound);
    }
}
