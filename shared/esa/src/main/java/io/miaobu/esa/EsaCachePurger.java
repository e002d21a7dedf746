package io.miaobu.esa;

import io.miaobu.aliyun.RamActions;
import io.miaobu.edge.CachePurger;
import io.miaobu.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * CachePurger on ESA's PurgeCaches: a promote purges every cached object of the site's hosts
 * ({@code Type=hostname}); single files can be purged by URL ({@code Type=file}). ESA applies a
 * purge within minutes; the route entry in edge KV, not the cache, decides which deployment answers.
 */
public final class EsaCachePurger implements CachePurger {
    /** What the functions' role must allow to purge the site's cache. */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("ESA cache purge", "esa", "PurgeCaches");

    /** Entries per PurgeCaches call; ESA's per-call limit for files is 100 (hostnames: UNCONFIRMED, assumed the same). */
    static final int BATCH = 100;

    private final EsaApi api;
    private final String siteId;

    public EsaCachePurger(EsaApi api, String siteId) {
        this.api = api;
        this.siteId = siteId;
    }

    @Override
    public void purgeHosts(Collection<String> hosts) {
        purge("hostname", "Hostnames", hosts);
    }

    /** Purges these absolute URLs ({@code https://host/path}). */
    public void purgeFiles(Collection<String> urls) {
        purge("file", "Files", urls);
    }

    private void purge(String type, String field, Collection<String> items) {
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(items));
        for (int i = 0; i < unique.size(); i += BATCH) {
            List<String> batch = unique.subList(i, Math.min(unique.size(), i + BATCH));
            Map<String, String> params = new LinkedHashMap<>();
            params.put("SiteId", siteId);
            params.put("Type", type);
            // Nested parameters travel as a JSON string, as ESA's own SDK sends them.
            params.put("Content", Json.writeString(Map.of(field, batch)));
            if (type.equals("hostname")) {
                params.put("Force", "true"); // everything under the host, not only what ESA thinks changed
            }
            api.call("PurgeCaches", params);
        }
    }
}
