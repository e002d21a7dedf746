package io.miaobu.http;

import io.miaobu.errors.ApiError;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splitting and decoding of a raw request target ({@code /path?query}). */
final class Paths {
    private Paths() {}

    static String decodedPath(String rawTarget) {
        int q = rawTarget.indexOf('?');
        String raw = q >= 0 ? rawTarget.substring(0, q) : rawTarget;
        String path;
        try {
            path = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("invalid_path", "The request path is not valid percent-encoding.");
        }
        // No id, name or file has one, and PostgreSQL cannot even compare text with one (it was a 500).
        if (path.indexOf('\0') >= 0) {
            throw ApiError.badRequest("invalid_path", "The request path contains a NUL character (%00); remove it.");
        }
        return path;
    }

    static Map<String, List<String>> queryOf(String rawTarget) {
        int q = rawTarget.indexOf('?');
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (q < 0) {
            return query;
        }
        for (String pair : rawTarget.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq >= 0 ? pair.substring(0, eq) : pair, StandardCharsets.UTF_8);
                String value = eq >= 0 ? URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8) : "";
                if (key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                    throw ApiError.badRequest("invalid_query", "The query string contains a NUL character (%00); remove it.");
                }
                query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("invalid_query", "The query string is not valid percent-encoding.");
            }
        }
        return query;
    }
}
