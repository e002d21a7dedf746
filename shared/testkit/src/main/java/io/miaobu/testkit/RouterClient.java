package io.miaobu.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.http.Handler;
import io.miaobu.json.Json;
import io.miaobu.http.Response;
import io.miaobu.http.SimpleRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls the shared router as the HTTP server would hand it a request, without a socket: for
 * behaviour tests of the API through real stores. {@link #token} is sent as the bearer when set.
 */
public final class RouterClient {
    private final Handler router;
    private final boolean checked;
    public String token;

    public RouterClient(Handler router) {
        this(router, false);
    }

    private RouterClient(Handler router, boolean checked) {
        this.router = router;
        this.checked = checked;
    }

    /** A client that also fails the test when an answer is not what the API document ({@link ApiContract}) promises. */
    public static RouterClient checked(Handler router) {
        return new RouterClient(router, true);
    }

    public RouterClient as(String bearer) {
        RouterClient other = new RouterClient(router, checked);
        other.token = bearer;
        return other;
    }

    /** A response: status, headers (lowercase names) and body, read as JSON on demand. */
    public record Reply(int status, Map<String, String> headers, byte[] body) {
        public JsonNode json() {
            try {
                return body.length == 0 ? null : Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }

        public String header(String name) {
            return headers.get(name);
        }

        public String errorCode() {
            return json().path("error").path("code").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    public Reply call(String method, String target, String jsonBody) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (jsonBody != null) {
            headers.put("Content-Type", List.of("application/json"));
        }
        return call(method, target, headers, jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8));
    }

    public Reply call(String method, String target, Map<String, List<String>> headers, byte[] body) {
        Map<String, List<String>> all = new LinkedHashMap<>(headers);
        if (token != null) {
            all.putIfAbsent("Authorization", List.of("Bearer " + token));
        }
        try {
            Response r = router.handle(new SimpleRequest(method, target, all, body));
            byte[] answer = r.body() == null ? new byte[0] : r.body();
            if (checked) {
                ApiContract.assertConforms(method, target, r.status(), r.headers().get("content-type"), answer);
            }
            return new Reply(r.status(), r.headers(), answer);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(method + " " + target + " threw", e);
        }
    }

    /** The JSON of a 2xx answer; anything else fails the test with the answer. */
    public JsonNode ok(String method, String target, String jsonBody) {
        Reply r = call(method, target, jsonBody);
        if (r.status() / 100 != 2) {
            throw new AssertionError(method + " " + target + " -> " + r);
        }
        return r.json();
    }
}
