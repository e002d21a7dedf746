package io.miaobu.local.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A user of the local host over real HTTP: the API on localhost, and sites by their Host header. */
final class ApiClient {
    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** Every test user's password. */
    static final String PASSWORD = "correct horse";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    String token;

    ApiClient(int port) {
        this.port = port;
    }

    ApiClient signUp(String email) throws Exception {
        Answer answer = call("POST", "/api/v1/auth/register", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
        if (answer.status() != 201) {
            throw new AssertionError("register failed: " + answer.body());
        }
        token = answer.json().get("token").asText();
        return this;
    }

    /** Logs in as a user {@link #signUp} made, on this host or before a restart. */
    ApiClient logIn(String email) throws Exception {
        Answer answer = call("POST", "/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
        if (answer.status() != 200) {
            throw new AssertionError("login failed: " + answer.status() + " " + answer.body());
        }
        token = answer.json().get("token").asText();
        return this;
    }

    Answer call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("content-type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    JsonNode ok(String method, String path, String body) throws Exception {
        Answer answer = call(method, path, body);
        if (answer.status() / 100 != 2) {
            throw new AssertionError(method + " " + path + " -> " + answer.status() + " " + answer.body());
        }
        return answer.body().isEmpty() ? null : answer.json();
    }

    /** GET on a hosted site: connects to the local host and names the site in the Host header, as a browser would. */
    Answer site(String host, String path, String... headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("host", host + ":" + port)
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        HttpRequest request = builder.GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    /** A request with a body ({@code POST}, {@code PUT}, ...) to a hosted site, named by the Host header. */
    Answer siteWithBody(String method, String host, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("host", host + ":" + port)
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    /** Polls the deployment until it reaches a final state. */
    JsonNode awaitFinal(String deploymentId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode d;
        do {
            d = ok("GET", "/api/v1/deployments/" + deploymentId, null);
            String status = d.get("status").asText();
            if (status.equals("READY") || status.equals("FAILED") || status.equals("CANCELED")) {
                return d;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("deployment " + deploymentId + " still " + d.get("status") + " after " + timeout);
    }

    /** Creates a project ({@code fields} as for POST /api/v1/projects) and returns it (id, slug, ...). */
    JsonNode createProject(Map<String, ?> fields) throws Exception {
        return ok("POST", "/api/v1/projects", Json.writeString(fields));
    }

    /** Creates a deployment ({@code body} as for POST .../deployments) and returns its id without waiting. */
    String deploy(String projectId, String body) throws Exception {
        return ok("POST", "/api/v1/projects/" + projectId + "/deployments", body).get("id").asText();
    }

    /** Creates a deployment ({@code body} as for POST .../deployments) and waits until it is READY, failing with its log otherwise. */
    String deployReady(String projectId, String body, Duration timeout) throws Exception {
        String id = deploy(projectId, body);
        JsonNode done = awaitFinal(id, timeout);
        if (!done.get("status").asText().equals("READY")) {
            throw new AssertionError("deployment " + id + " ended " + done.get("status") + ": " + done.get("error")
                    + "\nlog:\n" + logText(id));
        }
        return id;
    }

    /**
     * Deploys the production branch and waits until the deployment is live: READY comes a moment before the
     * production host is switched to it, so a test that asserts the live site right after READY would race.
     */
    String deployLive(String projectId, Duration timeout) throws Exception {
        String id = deployReady(projectId, "{}", timeout);
        awaitLive(projectId, id);
        return id;
    }

    /** Waits until the project's production host serves the READY deployment {@code id} (it switches a moment after READY). */
    void awaitLive(String projectId, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!id.equals(ok("GET", "/api/v1/projects/" + projectId, null).path("liveDeploymentId").asText())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("deployment " + id + " is READY but never went live:\n" + logText(id));
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the deployment's log shows {@code text} (lines written after READY, like the build cache's, come a moment later). */
    String awaitLog(String deploymentId, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String log;
        do {
            log = logText(deploymentId);
            if (log.contains(text)) {
                return log;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("log of " + deploymentId + " never showed \"" + text + "\":\n" + log);
    }

    /** Waits until the deployment's function log has a line containing {@code text} (workers' output is written in batches). */
    String awaitFunctionLog(String deploymentId, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder log;
        do {
            log = new StringBuilder();
            for (JsonNode line : ok("GET", "/api/v1/deployments/" + deploymentId + "/functions/logs?after=0", null).get("lines")) {
                log.append(line.get("text").asText()).append('\n');
            }
            if (log.indexOf(text) >= 0) {
                return log.toString();
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("function log of " + deploymentId + " never showed \"" + text + "\":\n" + log);
    }

    String logText(String deploymentId) throws Exception {
        StringBuilder text = new StringBuilder();
        for (JsonNode line : ok("GET", "/api/v1/deployments/" + deploymentId + "/logs", null).get("lines")) {
            text.append(line.get("text").asText()).append('\n');
        }
        return text.toString();
    }
}
