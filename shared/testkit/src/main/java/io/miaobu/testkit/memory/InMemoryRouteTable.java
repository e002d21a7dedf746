package io.miaobu.testkit.memory;

import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteKeys;
import io.miaobu.edge.RouteTable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Hosts (keyed as the edge looks them up, {@link RouteKeys#encode}) and file lists in maps; {@link #manifest} lets a test see what the edge would know. */
public final class InMemoryRouteTable implements RouteTable {
    private final Map<String, RouteEntry> hosts = new ConcurrentHashMap<>();
    private final Map<String, List<String>> manifests = new ConcurrentHashMap<>();

    @Override
    public void put(String host, RouteEntry entry) {
        hosts.put(RouteKeys.encode(host), entry);
    }

    @Override
    public Optional<RouteEntry> get(String host) {
        return Optional.ofNullable(hosts.get(RouteKeys.encode(host)));
    }

    @Override
    public void delete(String host) {
        hosts.remove(RouteKeys.encode(host));
    }

    @Override
    public void putManifest(String deploymentId, Collection<String> paths) {
        manifests.put(deploymentId, List.copyOf(paths));
    }

    @Override
    public void deleteManifest(String deploymentId) {
        manifests.remove(deploymentId);
    }

    public Optional<List<String>> manifest(String deploymentId) {
        return Optional.ofNullable(manifests.get(deploymentId));
    }
}
