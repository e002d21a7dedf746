package io.miaobu.http;

import io.miaobu.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response: status, headers, and either a body or a {@link Stream} written as it is produced
 * (server-sent events). Built with the static factories; {@code header} returns a copy.
 */
public record Response(int status, Map<String, String> headers, byte[] body, Stream stream) {

    /** Writes a streamed body; flush after each event so it reaches the client at once. */
    @FunctionalInterface
    public interface Stream {
        void writeTo(OutputStream out) throws IOException;
    }

    public static Response json(int status, Object value) {
        return new Response(status, Map.of("content-type", "application/json; charset=utf-8"), Json.write(value), null);
    }

    public static Response ok(Object value) {
        return json(200, value);
    }

    public static Response noContent() {
        return new Response(204, Map.of(), new byte[0], null);
    }

    public static Response text(int status, String contentType, String body) {
        return new Response(status, Map.of("content-type", contentType), body.getBytes(StandardCharsets.UTF_8), null);
    }

    public static Response redirect(String location) {
        return new Response(302, Map.of("location", location), new byte[0], null);
    }

    public static Response stream(String contentType, Stream stream) {
        return new Response(200, Map.of("content-type", contentType, "cache-control", "no-cache"), null, stream);
    }

    public Response header(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name.toLowerCase(java.util.Locale.ROOT), value);
        return new Response(status, copy, body, stream);
    }
}
