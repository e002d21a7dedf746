package io.miaobu.dns;

import io.miaobu.domains.DnsLookup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DnsLookup with dnsjava: asks MIAOBU_DNS_RESOLVER (host[:port]) when set, else the system's
 * resolvers. Nothing is cached, so a record the user just created is seen on the next check.
 */
public final class DnsJavaLookup implements DnsLookup {
    private final Resolver resolver;

    private DnsJavaLookup(Resolver resolver) {
        this.resolver = resolver;
    }

    /** @param resolverAddress "host" or "host:port" (default port 53); empty: the system's resolvers */
    public static DnsJavaLookup create(Optional<String> resolverAddress) {
        try {
            Resolver resolver;
            if (resolverAddress.isPresent()) {
                String value = resolverAddress.get();
                int colon = value.lastIndexOf(':');
                String host = colon > 0 && !value.endsWith("]") ? value.substring(0, colon) : value;
                int port = colon > 0 && !value.endsWith("]") ? Integer.parseInt(value.substring(colon + 1)) : 53;
                SimpleResolver simple = new SimpleResolver(new InetSocketAddress(host.replaceAll("[\\[\\]]", ""), port));
                resolver = simple;
            } else {
                resolver = new ExtendedResolver();
            }
            resolver.setTimeout(Duration.ofSeconds(5));
            return new DnsJavaLookup(resolver);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MIAOBU_DNS_RESOLVER must be host[:port], got " + resolverAddress.get(), e);
        }
    }

    @Override
    public List<String> lookup(String name, String type) {
        int t = switch (type) {
            case "A" -> Type.A;
            case "CNAME" -> Type.CNAME;
            case "TXT" -> Type.TXT;
            default -> throw new IllegalArgumentException("unsupported record type " + type);
        };
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), t);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
        lookup.setResolver(resolver);
        lookup.setCache(null);
        lookup.setSearchPath(List.of()); // the name is absolute: no search domains appended
        Record[] answers = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> { }
            case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> {
                return List.of();
            }
            default -> throw new DnsLookupException(lookup.getErrorString());
        }
        List<String> values = new ArrayList<>();
        for (Record r : answers) {
            if (r instanceof CNAMERecord c && t == Type.CNAME) {
                values.add(stripDot(c.getTarget().toString()));
            } else if (r instanceof ARecord a && t == Type.A) {
                values.add(a.getAddress().getHostAddress());
            } else if (r instanceof TXTRecord txt && t == Type.TXT) {
                values.add(String.join("", txt.getStrings()));
            }
        }
        return values;
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
