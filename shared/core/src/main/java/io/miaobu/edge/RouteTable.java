package io.miaobu.edge;

import java.util.Collection;
import java.util.Optional;

/** host -> route entry, read by the edge on every request. Puts are idempotent. */
public interface RouteTable {
    void put(String host, RouteEntry entry);

    Optional<RouteEntry> get(String host);

    void delete(String host);

    /**
     * Records which files a deployment has ({@code paths} relative to its prefix), for an edge that
     * must know without asking storage ({@link FileManifest}). Written once the files are stored and
     * before any host points at the deployment; writing it again is harmless.
     */
    void putManifest(String deploymentId, Collection<String> paths);

    /** Removes the deployment's file list, when its files are deleted; removing what is not there is fine. */
    void deleteManifest(String deploymentId);
}
