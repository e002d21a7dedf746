package io.miaobu.edge;

import java.util.Optional;

/** host -> route entry, read by the edge on every request. Puts are idempotent. */
public interface RouteTable {
    void put(String host, RouteEntry entry);

    Optional<RouteEntry> get(String host);

    void delete(String host);
}
