package io.miaobu.aliyun;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The RAM actions one adapter needs, by the API operation it calls. RAM grants actions (the
 * service's RAM code, a colon, a name), and an operation may need several (OSS CopyObject reads its
 * source and writes its target) or share one with others (every step of a multipart upload is
 * {@code oss:PutObject}). Each adapter declares its own next to its code; tests hold the adapter to it
 * (every operation it sends against its fake is listed) and the operator guide's policies (docs/operators.md) to all of them.
 */
public record RamActions(String adapter, Map<String, Set<String>> byOperation) {
    public RamActions {
        byOperation = Map.copyOf(byOperation);
    }

    /** An RPC-style API, where the RAM action of each operation is the RAM code and the operation's name. */
    public static RamActions rpc(String adapter, String ramCode, String... operations) {
        Map<String, Set<String>> map = new LinkedHashMap<>();
        Arrays.stream(operations).forEach(op -> map.put(op, Set.of(ramCode + ":" + op)));
        return new RamActions(adapter, map);
    }

    /** Every action this adapter needs. */
    public Set<String> actions() {
        Set<String> all = new TreeSet<>();
        byOperation.values().forEach(all::addAll);
        return all;
    }

    /** The actions one operation needs; empty when the adapter does not declare the operation. */
    public Optional<Set<String>> of(String operation) {
        return Optional.ofNullable(byOperation.get(operation));
    }
}
