package io.miaobu.api;

/** The answer of GET /api/v1/health. */
@ApiSchema(response = "GET /api/v1/health")
public record HealthView(String status) {
    public static final HealthView OK = new HealthView("ok");
}
