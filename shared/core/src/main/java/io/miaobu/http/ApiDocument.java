package io.miaobu.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The OpenAPI 3.1 document of the HTTP API, served at {@code GET /api/v1/openapi.json}. Written by
 * hand and kept true by tests: every route the router serves is in it and every response the API
 * tests see matches its schemas; the dashboard's TypeScript types are generated from it.
 */
public final class ApiDocument {
    /** Where the document is on the classpath. */
    public static final String RESOURCE = "/io/miaobu/http/openapi.json";
    public static final String PATH = "/api/v1/openapi.json";

    private static final byte[] JSON = load();

    private ApiDocument() {}

    public static Response response() {
        return new Response(200, Map.of("content-type", "application/json; charset=utf-8",
                "cache-control", "public, max-age=300"), JSON, null);
    }

    private static byte[] load() {
        try (InputStream in = ApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
