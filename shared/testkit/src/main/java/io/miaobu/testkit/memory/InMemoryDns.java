package io.miaobu.testkit.memory;

import io.miaobu.domains.DnsLookup;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A DNS zone the test edits as a domain's owner edits theirs; a name can be made to fail as a timed-out resolver does. */
public final class InMemoryDns implements DnsLookup {
    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    /** Replaces the {@code type} records of {@code name} (no values: removes them). */
    public InMemoryDns set(String type, String name, String... values) {
        if (values.length == 0) {
            records.remove(type + " " + name);
        } else {
            records.put(type + " " + name, List.of(values));
        }
        return this;
    }

    /** Lookups of {@code name} fail until {@link #recover}. */
    public void fail(String name) {
        failing.add(name);
    }

    public void recover(String name) {
        failing.remove(name);
    }

    @Override
    public List<String> lookup(String name, String type) {
        if (failing.contains(name)) {
            throw new DnsLookupException("SERVFAIL for " + name);
        }
        return records.getOrDefault(type + " " + name, List.of());
    }
}
