package io.miaobu.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** The few API calls the command line makes, with the server's error message on every failure. */
final class MiaobuApi {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;

    MiaobuApi(String base, String token) {
        this.base = base.replaceFirst("/+$", "");
        this.token = token;
    }

    String base() {
        return base;
    }

    JsonNode get(String path) throws ApiException {
        return send(request(path).GET());
    }

    JsonNode post(String path, Object body) throws ApiException {
        return send(request(path).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : Json.write(body))));
    }

    void postBytes(String path, byte[] body) throws ApiException {
        send(request(path).header("content-type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    void putFile(String path, Path file) throws ApiException {
        try {
            send(request(path).header("content-type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofFile(file)));
        } catch (java.io.FileNotFoundException e) {
            throw new ApiException(0, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return request;
    }

    private JsonNode send(HttpRequest.Builder request) throws ApiException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ApiException(0, "cannot reach Miaobu at " + base + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); start it with ./miaobu dev, or set MIAOBU_API_URL.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = body == null ? null : body.path("error").path("message").asText(null);
            if (message == null) {
                message = "the server answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8).strip();
            }
            throw new ApiException(response.statusCode(), message);
        }
        return body;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
