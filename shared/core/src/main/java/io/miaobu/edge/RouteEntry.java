package io.miaobu.edge;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * The route table's value for one hostname: which deployment answers it and how. {@code backends} says,
 * per runtime, where the edge proxies the deployment's function requests (null for a static site); it is
 * the deployment's own, so every host pointing at the deployment switches backends with its files.
 */
public record RouteEntry(String deploymentId, String prefix, RouteConfig config, Instant updatedAt,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> backends) {

    public RouteEntry {
        backends = backends == null || backends.isEmpty() ? null : Map.copyOf(backends);
    }

    public RouteEntry(String deploymentId, String prefix, RouteConfig config, Instant updatedAt) {
        this(deploymentId, prefix, config, updatedAt, null);
    }
}
