package io.miaobu.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A plain {@link Request} built from parsed parts; servers and tests both create these. */
public record SimpleRequest(
        String method,
        String rawTarget,
        String path,
        Map<String, List<String>> headers,
        Map<String, List<String>> query,
        byte[] body,
        Map<String, String> pathParams) implements Request {

    public SimpleRequest {
        TreeMap<String, List<String>> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseInsensitive.putAll(headers);
        headers = caseInsensitive;
        method = method.toUpperCase(Locale.ROOT);
    }

    public SimpleRequest(String method, String rawPathAndQuery, Map<String, List<String>> headers, byte[] body) {
        this(method, rawPathAndQuery, Paths.decodedPath(rawPathAndQuery), headers, Paths.queryOf(rawPathAndQuery), body, Map.of());
    }

    @Override
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public Request withPathParams(Map<String, String> params) {
        return new SimpleRequest(method, rawTarget, path, headers, query, body, params);
    }
}
