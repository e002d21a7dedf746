package io.miaobu.local;

import io.miaobu.edge.CachePurger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The local edge caches nothing, so there is nothing to purge; the calls are kept for tests to inspect. */
public final class RecordingCachePurger implements CachePurger {
    private final List<String> purged = new ArrayList<>();

    @Override
    public synchronized void purgeHosts(Collection<String> hosts) {
        purged.addAll(hosts);
    }

    public synchronized List<String> purgedHosts() {
        return List.copyOf(purged);
    }
}
