package io.miaobu.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.http.ApiDocument;
import io.miaobu.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Compares a response record with the OpenAPI schema it implements, the way Jackson writes the record:
 * the same property names (a {@link JsonUnwrapped} component contributes its own), each of a JSON type the
 * schema allows, null where and only where the schema allows null ({@link Nullable}), never left out when
 * the schema requires it ({@link JsonInclude}), and records nested in it checked against their property's
 * schema in turn. Every record it meets is remembered, so a test can tell which records nothing checked.
 */
final class RecordSchemas {
    static final JsonNode DOCUMENT = read();

    private final Set<Class<?>> checked = new LinkedHashSet<>();

    /** The schema a top-level response record names: a component by name, or an operation's success response. */
    static JsonNode schemaOf(ApiSchema annotation) {
        if (!annotation.value().isEmpty()) {
            return DOCUMENT.path("components").path("schemas").path(annotation.value());
        }
        String[] operation = annotation.response().split(" ", 2);
        JsonNode responses = DOCUMENT.path("paths").path(operation[1]).path(operation[0].toLowerCase()).path("responses");
        for (var it = responses.fields(); it.hasNext(); ) {
            var response = it.next();
            if (response.getKey().startsWith("2")) {
                return response.getValue().path("content").path("application/json").path("schema");
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    Set<Class<?>> checked() {
        return checked;
    }

    /** What is wrong between the record and the schema, one sentence each; empty when they agree. */
    List<String> problems(Class<?> record, JsonNode schema) {
        List<String> problems = new ArrayList<>();
        checkObject(record, schema, record.getSimpleName(), problems);
        return problems;
    }

    private void checkObject(Class<?> type, JsonNode schema, String where, List<String> problems) {
        checked.add(type);
        if (!type.isRecord() || !type.getPackageName().equals(getClass().getPackageName())) {
            problems.add(where + ": " + type.getName() + " is not a response record of " + getClass().getPackageName()
                    + "; answer with a record there, so the API's shape is decided in one place");
            return;
        }
        if (schema.isMissingNode()) {
            problems.add(where + ": the API document has no such schema");
            return;
        }
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        collect(nonNull(schema), properties, required);
        Map<String, Property> fields = new LinkedHashMap<>();
        properties(type, fields);
        Set<String> undocumented = new TreeSet<>(fields.keySet());
        undocumented.removeAll(properties.keySet());
        Set<String> unsent = new TreeSet<>(properties.keySet());
        unsent.removeAll(fields.keySet());
        if (!undocumented.isEmpty()) {
            problems.add(where + ": " + undocumented + " not in the API document's schema (it has " + properties.keySet() + ")");
        }
        if (!unsent.isEmpty()) {
            problems.add(where + ": the API document has " + unsent + ", which the record does not send");
        }
        fields.forEach((name, field) -> {
            JsonNode property = properties.get(name);
            if (property != null) {
                checkProperty(field, property, required.contains(name), where + "." + name, problems);
            }
        });
    }

    private void checkProperty(Property field, JsonNode schema, boolean required, String where, List<String> problems) {
        boolean writesNull = field.nullable() && !field.omittable();
        boolean documentedNull = allowsNull(schema);
        if (writesNull && !documentedNull) {
            problems.add(where + " is @Nullable, but the API document does not allow null for it");
        } else if (documentedNull && !field.nullable()) {
            problems.add(where + ": the API document allows null, but the component is not @Nullable");
        } else if (documentedNull && field.omittable()) {
            problems.add(where + " is left out rather than sent as null, but the API document allows null for it");
        }
        if (required && field.omittable()) {
            problems.add(where + " is required by the API document, but @JsonInclude leaves it out when empty");
        }
        checkValue(field.type(), schema, where, problems);
    }

    private void checkValue(Type type, JsonNode schema, String where, List<String> problems) {
        Class<?> raw = raw(type);
        String json = jsonType(raw);
        Set<String> documented = types(schema);
        documented.remove("null");
        if (json == null) {
            problems.add(where + ": " + type.getTypeName() + " has no JSON type this check knows");
            return;
        }
        if (!documented.isEmpty() && !documented.contains(json)) {
            problems.add(where + " is " + json + " (" + raw.getSimpleName() + "), but the API document says " + documented);
            return;
        }
        JsonNode value = nonNull(schema);
        if (raw.isEnum()) {
            Set<String> constants = new TreeSet<>();
            Arrays.stream(raw.getEnumConstants()).forEach(c -> constants.add(((Enum<?>) c).name()));
            Set<String> listed = new TreeSet<>();
            value.path("enum").forEach(v -> {
                if (!v.isNull()) {
                    listed.add(v.asText());
                }
            });
            if (!listed.equals(constants)) {
                problems.add(where + ": " + raw.getSimpleName() + " has " + constants + ", the API document lists " + listed);
            }
        } else if (raw.isRecord()) {
            checkObject(raw, value, where, problems);
        } else if (Collection.class.isAssignableFrom(raw)) {
            checkValue(argument(type, 0), value.path("items"), where + "[]", problems);
        } else if (Map.class.isAssignableFrom(raw)) {
            JsonNode values = value.path("additionalProperties");
            if (values.isObject()) {
                checkValue(argument(type, 1), values, where + "{}", problems);
            }
        }
    }

    /** The JSON names Jackson writes for a record, in order; an unwrapped component's come in its place. */
    private void properties(Class<?> record, Map<String, Property> into) {
        checked.add(record);
        JsonInclude recordInclude = record.getAnnotation(JsonInclude.class);
        for (RecordComponent c : record.getRecordComponents()) {
            var accessor = c.getAccessor();
            if (accessor.isAnnotationPresent(JsonUnwrapped.class)) {
                properties(c.getType(), into);
                continue;
            }
            JsonProperty renamed = accessor.getAnnotation(JsonProperty.class);
            String name = renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName();
            JsonInclude include = accessor.getAnnotation(JsonInclude.class);
            if (include == null) {
                include = recordInclude;
            }
            boolean omittable = include != null && include.value() != JsonInclude.Include.ALWAYS
                    && include.value() != JsonInclude.Include.USE_DEFAULTS;
            into.put(name, new Property(c.getGenericType(), c.getAnnotatedType().isAnnotationPresent(Nullable.class), omittable));
        }
    }

    private record Property(Type type, boolean nullable, boolean omittable) {}

    private static String jsonType(Class<?> type) {
        if (type == String.class || type.isEnum() || type == Instant.class) {
            return "string";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "integer";
        }
        if (type == double.class || type == Double.class) {
            return "number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "object";
        }
        return null;
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }

    private static JsonNode resolve(JsonNode schema) {
        JsonNode s = schema;
        while (s.has("$ref")) {
            s = DOCUMENT.at(s.get("$ref").asText().substring(1));
        }
        return s;
    }

    /** The schema without its null alternative: {@code oneOf: [X, {type: null}]} is X. */
    private static JsonNode nonNull(JsonNode schema) {
        JsonNode s = resolve(schema);
        for (String keyword : List.of("oneOf", "anyOf")) {
            if (s.has(keyword)) {
                List<JsonNode> alternatives = new ArrayList<>();
                s.get(keyword).forEach(a -> {
                    if (!types(a).equals(Set.of("null"))) {
                        alternatives.add(resolve(a));
                    }
                });
                if (alternatives.size() == 1) {
                    return alternatives.get(0);
                }
            }
        }
        return s;
    }

    private static boolean allowsNull(JsonNode schema) {
        return types(schema).contains("null");
    }

    /** The JSON types a schema allows ("null" included); empty when it does not say. */
    private static Set<String> types(JsonNode schema) {
        JsonNode s = resolve(schema);
        Set<String> types = new TreeSet<>();
        JsonNode type = s.path("type");
        if (type.isTextual()) {
            types.add(type.asText());
        } else if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        }
        for (String keyword : List.of("oneOf", "anyOf")) {
            s.path(keyword).forEach(a -> types.addAll(types(a)));
        }
        if (s.has("const")) {
            types.add(s.get("const").isNull() ? "null" : s.get("const").isTextual() ? "string" : s.get("const").getNodeType().name().toLowerCase());
        }
        s.path("enum").forEach(v -> {
            if (v.isNull()) {
                types.add("null");
            }
        });
        if (types.isEmpty() && (s.has("properties") || s.has("allOf"))) {
            types.add("object");
        }
        return types;
    }

    /** Properties and required names of an object schema, its allOf parts merged in. */
    private static void collect(JsonNode schema, Map<String, JsonNode> properties, Set<String> required) {
        JsonNode s = resolve(schema);
        s.path("allOf").forEach(part -> collect(part, properties, required));
        s.path("properties").fields().forEachRemaining(p -> properties.put(p.getKey(), p.getValue()));
        s.path("required").forEach(r -> required.add(r.asText()));
    }

    private static JsonNode read() {
        try (InputStream in = ApiDocument.class.getResourceAsStream(ApiDocument.RESOURCE)) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
