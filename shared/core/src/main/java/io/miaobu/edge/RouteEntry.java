package io.miaobu.edge;

import java.time.Instant;

/** The route table's value for one hostname: which deployment answers it and how. */
public record RouteEntry(String deploymentId, String prefix, RouteConfig config, Instant updatedAt) {}
