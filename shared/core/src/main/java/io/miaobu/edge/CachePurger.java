package io.miaobu.edge;

import java.util.Collection;

/** Drops whatever the edge cached for these hosts, so a promote is visible at once. */
public interface CachePurger {
    void purgeHosts(Collection<String> hosts);
}
