package io.miaobu.domains;

import io.miaobu.domains.DnsLookup.DnsLookupException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The records a domain needs (CNAME to the edge for a subdomain, the operator's A records for an
 * apex, the TXT ownership token) and whether DNS has them now.
 */
final class DnsCheck {
    private final DnsLookup dns;
    private final String edgeTarget;
    private final List<String> apexAddresses;

    DnsCheck(DnsLookup dns, String edgeTarget, List<String> apexAddresses) {
        this.dns = dns;
        this.edgeTarget = edgeTarget;
        this.apexAddresses = apexAddresses;
    }

    List<DnsRecord> expected(String hostname, boolean apex, String token) {
        List<DnsRecord> records = new ArrayList<>();
        if (apex) {
            for (String address : apexAddresses) {
                records.add(new DnsRecord("A", hostname, address, "routing", null, null));
            }
        } else {
            records.add(new DnsRecord("CNAME", hostname, edgeTarget, "routing", null, null));
        }
        records.add(new DnsRecord("TXT", "_miaobu." + Hostnames.recordOwner(hostname), "miaobu-verify=" + token,
                "ownership", null, null));
        return records;
    }

    /** Looks each record up; a failing resolver is reported as the record's finding, never as OK. */
    List<DnsRecord> check(List<DnsRecord> records) {
        List<DnsRecord> checked = new ArrayList<>();
        List<String> apexFound = null;
        for (DnsRecord r : records) {
            try {
                switch (r.type()) {
                    case "CNAME" -> checked.add(single(r, dns.lookup(r.name(), "CNAME")));
                    case "TXT" -> {
                        List<String> found = dns.lookup(r.name(), "TXT");
                        checked.add(found.isEmpty() ? r.checked(DnsRecord.MISSING, null)
                                : r.checked(found.contains(r.value()) ? DnsRecord.OK : DnsRecord.WRONG, String.join(", ", found)));
                    }
                    case "A" -> {
                        if (apexFound == null) {
                            apexFound = dns.lookup(r.name(), "A");
                        }
                        checked.add(address(r, apexFound));
                    }
                    default -> throw new IllegalStateException("unknown record type " + r.type());
                }
            } catch (DnsLookupException e) {
                checked.add(r.checked(DnsRecord.MISSING, "lookup failed: " + e.getMessage()));
            }
        }
        return checked;
    }

    private static DnsRecord single(DnsRecord r, List<String> found) {
        if (found.isEmpty()) {
            return r.checked(DnsRecord.MISSING, null);
        }
        boolean ok = found.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).equals(r.value()));
        return r.checked(ok ? DnsRecord.OK : DnsRecord.WRONG, String.join(", ", found));
    }

    /** Every A answer must be one of the edge's addresses (a leftover record would send visitors elsewhere). */
    private DnsRecord address(DnsRecord r, List<String> found) {
        if (found.isEmpty()) {
            return r.checked(DnsRecord.MISSING, null);
        }
        Set<String> allowed = new HashSet<>(apexAddresses);
        boolean ok = found.contains(r.value()) && allowed.containsAll(found);
        return r.checked(ok ? DnsRecord.OK : (found.contains(r.value()) || !allowed.containsAll(found) ? DnsRecord.WRONG
                : DnsRecord.MISSING), String.join(", ", found));
    }

    /** One sentence naming the first record to fix, or null when all are right. */
    static String problem(List<DnsRecord> records) {
        for (DnsRecord r : records) {
            if (r.ok()) {
                continue;
            }
            String want = r.type() + " record " + r.name() + " → " + r.value();
            if (r.found() != null && r.found().startsWith("lookup failed")) {
                return "Could not look up " + r.type() + " " + r.name() + " (" + r.found() + "); Miaobu will try again.";
            }
            return DnsRecord.WRONG.equals(r.status())
                    ? "The " + r.type() + " record " + r.name() + " is " + r.found() + "; change it to " + r.value() + "."
                    : "Create the " + want + " (not found yet; new records can take a few minutes to appear).";
        }
        return null;
    }
}
