package io.miaobu.functions.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.testkit.FunctionProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

/** The api function calls the builder's end-to-end tests make, as a signed-in user. */
final class ApiCalls {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiCalls() {}

    static Map<String, String> auth(String token) {
        return Map.of("authorization", "Bearer " + token, "content-type", "application/json");
    }

    /** A QUEUED production deployment of the project, created through the api function. */
    static String createDeployment(FunctionProcess api, String token, String projectId) throws IOException {
        HttpResponse<String> created = api.send("POST", "/api/v1/projects/" + projectId + "/deployments", auth(token), "{}");
        assertThat(created.statusCode()).as(created.body() + "\n" + api.output()).isEqualTo(201);
        JsonNode deployment = JSON.readTree(created.body());
        assertThat(deployment.path("status").asText()).isEqualTo("QUEUED");
        return deployment.path("id").asText();
    }

    static JsonNode deployment(FunctionProcess api, String token, String id) throws IOException {
        HttpResponse<String> response = api.send("GET", "/api/v1/deployments/" + id, auth(token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
