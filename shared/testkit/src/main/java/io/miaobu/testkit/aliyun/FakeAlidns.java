package io.miaobu.testkit.aliyun;

import io.miaobu.aliyun.AliyunCredentials;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Alidns' RPC API (2015-01-09) for tests: AddDomainRecord / DeleteDomainRecord on the zones the
 * account hosts (others are refused as Alidns does). Each change is also handed to listeners, so an
 * end-to-end test can forward TXT records to a real DNS server (pebble-challtestsrv).
 */
public final class FakeAlidns extends FakeAliyunRpc {
    public static final String VERSION = "2015-01-09";

    public record Record(String recordId, String domainName, String rr, String type, String value) {
        /** The full name: _acme-challenge.www.example.com. */
        public String name() {
            return rr.equals("@") ? domainName : rr + "." + domainName;
        }
    }

    /** A change: the record added, or removed ({@code added} false). */
    public record Change(Record record, boolean added) {}

    private final Set<String> zones = ConcurrentHashMap.newKeySet();
    private final Map<String, Record> records = new ConcurrentSkipListMap<>();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(21_000_000_000L);

    public FakeAlidns(AliyunCredentials credentials, String... zones) {
        super(VERSION, credentials);
        this.zones.addAll(List.of(zones));
    }

    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }

    public List<Record> records() {
        return List.copyOf(records.values());
    }

    @Override
    protected Map<String, Object> handle(String action, Map<String, String> p) {
        return switch (action) {
            case "AddDomainRecord" -> {
                String domain = required(p, "DomainName");
                String rr = required(p, "RR");
                String type = required(p, "Type");
                String value = required(p, "Value");
                if (!zones.contains(domain)) {
                    throw new RpcError(400, "IncorrectDomainUser", "The domain name does not belong to you.");
                }
                if (records.values().stream().anyMatch(r -> r.domainName().equals(domain) && r.rr().equals(rr)
                        && r.type().equals(type) && r.value().equals(value))) {
                    throw new RpcError(400, "DomainRecordDuplicate", "The DNS record already exists.");
                }
                Record record = new Record(String.valueOf(ids.incrementAndGet()), domain, rr, type, value);
                records.put(record.recordId(), record);
                listeners.forEach(l -> l.accept(new Change(record, true)));
                yield Map.of("RecordId", record.recordId());
            }
            case "DeleteDomainRecord" -> {
                String id = required(p, "RecordId");
                Record removed = records.remove(id);
                if (removed == null) {
                    throw new RpcError(400, "DomainRecordNotBelongToUser", "The DNS record does not belong to you.");
                }
                listeners.forEach(l -> l.accept(new Change(removed, false)));
                yield Map.of("RecordId", id);
            }
            default -> throw new RpcError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        };
    }
}
