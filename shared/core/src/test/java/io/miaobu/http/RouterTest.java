package io.miaobu.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.errors.ApiError;
import io.miaobu.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static Response call(Router router, String method, String target) {
        return router.handle(new SimpleRequest(method, target, Map.of(), new byte[0]));
    }

    private static JsonNode json(Response response) throws IOException {
        return Json.MAPPER.readTree(response.body());
    }

    private static Router sample() {
        return new Router()
                .get("/api/v1/projects/{id}", req -> Response.ok(Map.of("project", req.pathParam("id"))))
                .get("/api/v1/projects/{id}/deployments/{deploymentId}", req -> Response.ok(Map.of(
                        "project", req.pathParam("id"), "deployment", req.pathParam("deploymentId"))))
                .delete("/api/v1/projects/{id}", req -> Response.noContent())
                .patch("/api/v1/projects/{id}", req -> Response.noContent())
                .get("/api/v1/boom", req -> {
                    throw new IllegalStateException("database password is hunter2");
                })
                .get("/api/v1/teapot", req -> {
                    throw new ApiError(418, "teapot", "I am a teapot.");
                });
    }

    @Test
    void path_parameters_are_captured_and_decoded() throws IOException {
        Response r = call(sample(), "GET", "/api/v1/projects/p%20one/deployments/d42");
        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r).get("project").asText()).isEqualTo("p one");
        assertThat(json(r).get("deployment").asText()).isEqualTo("d42");
    }

    @Test
    void a_trailing_slash_and_a_query_string_do_not_change_the_route() throws IOException {
        Response r = call(sample(), "GET", "/api/v1/projects/p1/?x=1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r).get("project").asText()).isEqualTo("p1");
    }

    @Test
    void an_unknown_path_is_a_404_in_the_error_shape() throws IOException {
        Response r = call(sample(), "GET", "/api/v1/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        JsonNode body = json(r);
        assertThat(body.fieldNames()).toIterable().containsExactly("error");
        assertThat(body.get("error").get("code").asText()).isEqualTo("not_found");
        assertThat(body.get("error").get("message").asText()).contains("/api/v1/nothing-here");
    }

    @Test
    void a_validation_error_names_each_field_at_fault_beside_its_code_and_message() throws IOException {
        Router router = new Router().post("/api/v1/things", req -> {
            throw ApiError.invalid("invalid_env", "Fix these: a; b.", Map.of("[0].key", "a", "[2].value", "b"));
        });
        JsonNode error = json(call(router, "POST", "/api/v1/things")).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_env");
        assertThat(error.get("message").asText()).isEqualTo("Fix these: a; b.");
        assertThat(error.get("fields").get("[0].key").asText()).isEqualTo("a");
        assertThat(error.get("fields").get("[2].value").asText()).isEqualTo("b");
    }

    @Test
    void the_routes_are_listed_as_method_and_pattern_in_registration_order() {
        assertThat(sample().routes()).startsWith("GET /api/v1/projects/{id}", "GET /api/v1/projects/{id}/deployments/{deploymentId}",
                "DELETE /api/v1/projects/{id}");
    }

    @Test
    void an_empty_path_parameter_does_not_match() {
        assertThat(call(sample(), "GET", "/api/v1/projects//deployments/d1").status()).isEqualTo(404);
    }

    @Test
    void a_known_path_with_the_wrong_method_is_a_405_listing_the_allowed_methods() throws IOException {
        Response r = call(sample(), "POST", "/api/v1/projects/p1");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers().get("allow")).isEqualTo("GET, DELETE, PATCH");
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo("method_not_allowed");
        assertThat(error.get("message").asText()).contains("POST").contains("GET");
    }

    @Test
    void head_is_served_by_the_get_route() throws IOException {
        Response r = call(sample(), "HEAD", "/api/v1/projects/p1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r).get("project").asText()).isEqualTo("p1");
    }

    @Test
    void methods_are_matched_case_insensitively_as_received() {
        assertThat(call(sample(), "delete", "/api/v1/projects/p1").status()).isEqualTo(204);
    }

    @Test
    void an_exception_in_a_handler_is_a_500_that_does_not_leak_its_message() throws IOException {
        Response r = call(sample(), "GET", "/api/v1/boom");
        assertThat(r.status()).isEqualTo(500);
        String raw = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(raw).doesNotContain("hunter2").doesNotContain("IllegalStateException");
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo("internal_error");
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @Test
    void an_http_error_from_a_handler_keeps_its_status_code_and_message() throws IOException {
        Response r = call(sample(), "GET", "/api/v1/teapot");
        assertThat(r.status()).isEqualTo(418);
        assertThat(json(r).get("error").get("code").asText()).isEqualTo("teapot");
        assertThat(json(r).get("error").get("message").asText()).isEqualTo("I am a teapot.");
    }

    @Test
    void malformed_percent_encoding_in_the_path_is_a_400_invalid_path() {
        ApiError e = catchThrowableOfType(ApiError.class,
                () -> new SimpleRequest("GET", "/api/v1/projects/%zz", Map.of(), new byte[0]));
        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_path");
    }

    @Test
    void the_first_registered_matching_route_wins() throws IOException {
        Router router = new Router()
                .get("/api/v1/things/special", req -> Response.ok(Map.of("which", "literal")))
                .get("/api/v1/things/{id}", req -> Response.ok(Map.of("which", "param")));
        assertThat(json(call(router, "GET", "/api/v1/things/special")).get("which").asText()).isEqualTo("literal");
        assertThat(json(call(router, "GET", "/api/v1/things/other")).get("which").asText()).isEqualTo("param");
    }

    @Test
    void header_names_are_case_insensitive() {
        SimpleRequest req = new SimpleRequest("GET", "/", Map.of("Authorization", List.of("Bearer x")), new byte[0]);
        assertThat(req.header("authorization")).contains("Bearer x");
    }
}
