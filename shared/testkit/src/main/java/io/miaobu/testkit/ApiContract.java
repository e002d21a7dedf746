package io.miaobu.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.miaobu.http.ApiDocument;
import io.miaobu.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The API's OpenAPI document ({@link ApiDocument}) as a test oracle: which operations it documents,
 * and whether a real answer matches what it promises for that method, path and status.
 */
public final class ApiContract {
    private static final String BASE = "classpath:" + ApiDocument.RESOURCE.substring(1);
    private static final JsonNode DOCUMENT = read();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private ApiContract() {}

    /** Every documented operation as "METHOD /path/{param}", the way {@code Router#routes()} names them. */
    public static Set<String> operations() {
        Set<String> operations = new LinkedHashSet<>();
        DOCUMENT.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    /**
     * Fails unless the document describes this answer: the path (a request target, query allowed) matches
     * a documented path with this method, the status is one of the operation's responses, and a JSON body
     * matches that response's schema (a response documented without content must have no body).
     */
    public static void assertConforms(String method, String target, int status, String contentType, byte[] body) {
        String verb = method.equalsIgnoreCase("HEAD") ? "get" : method.toLowerCase(Locale.ROOT);
        String path = documentedPath(target);
        JsonNode operation = path == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : DOCUMENT.path("paths").path(path).path(verb);
        if (operation.isMissingNode()) {
            // The router's own refusals: no such route (404), or another method than the path serves (405).
            int refusal = path == null ? 404 : 405;
            if (status != refusal) {
                throw new AssertionError(method + " " + target + " answered " + status + ", but the API document has no "
                        + (path == null ? "path matching it" : method + " " + path));
            }
            check(method, target, status, contentType, body, "/components/schemas/Error");
            return;
        }
        String pointer = "/paths/" + escape(path) + "/" + verb + "/responses/" + status;
        JsonNode response = operation.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            throw new AssertionError(method + " " + path + " answered " + status + ", which the API document does not list"
                    + " (it lists " + listed(operation.path("responses")) + "): " + new String(body, StandardCharsets.UTF_8));
        }
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = DOCUMENT.at(pointer);
        }
        JsonNode json = response.path("content").path("application/json");
        if (json.isMissingNode()) {
            boolean streamed = contentType != null && response.path("content").has(contentType.split(";")[0].trim());
            if (body.length > 0 && !streamed) {
                throw new AssertionError(method + " " + path + " " + status + " is documented without a JSON body, but"
                        + " answered " + contentType + ": " + new String(body, StandardCharsets.UTF_8));
            }
            return;
        }
        check(method, target, status, contentType, body, pointer + "/content/application~1json/schema");
    }

    private static void check(String method, String target, int status, String contentType, byte[] body, String schemaPointer) {
        if (contentType == null || !contentType.startsWith("application/json")) {
            throw new AssertionError(method + " " + target + " " + status + " answered " + contentType + ", not JSON");
        }
        JsonNode value;
        try {
            value = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(method + " " + target + " answered invalid JSON", e);
        }
        JsonSchema schema = COMPILED.computeIfAbsent(schemaPointer,
                p -> SCHEMAS.getSchema(SchemaLocation.of(BASE + "#" + p)));
        Set<ValidationMessage> problems = schema.validate(value);
        if (!problems.isEmpty()) {
            throw new AssertionError(method + " " + target + " " + status + " does not match the API document ("
                    + schemaPointer + "):\n  " + problems.stream().map(ValidationMessage::getMessage)
                    .collect(Collectors.joining("\n  ")) + "\nanswer: " + value);
        }
    }

    /** The documented path a request target falls under; literal segments win over {param} ones. */
    static String documentedPath(String target) {
        String path = target.split("\\?", 2)[0];
        String[] segments = segments(path);
        String best = null;
        int bestLiterals = -1;
        for (Iterator<String> it = DOCUMENT.path("paths").fieldNames(); it.hasNext(); ) {
            String candidate = it.next();
            String[] pattern = segments(candidate);
            if (pattern.length != segments.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < pattern.length && matches; i++) {
                if (pattern[i].startsWith("{")) {
                    matches = !segments[i].isEmpty();
                } else {
                    matches = pattern[i].equals(segments[i]);
                    literals++;
                }
            }
            if (matches && literals > bestLiterals) {
                best = candidate;
                bestLiterals = literals;
            }
        }
        return best;
    }

    private static String[] segments(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    private static String escape(String path) {
        return path.replace("~", "~0").replace("/", "~1");
    }

    private static String listed(JsonNode responses) {
        List<String> statuses = new ArrayList<>();
        responses.fieldNames().forEachRemaining(statuses::add);
        return String.join(", ", statuses);
    }

    private static JsonNode read() {
        try (InputStream in = ApiDocument.class.getResourceAsStream(ApiDocument.RESOURCE)) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
