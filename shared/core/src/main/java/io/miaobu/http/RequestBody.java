package io.miaobu.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.miaobu.errors.ApiError;
import io.miaobu.json.Json;
import java.io.IOException;
import java.util.stream.Collectors;

/** Reads a JSON request body with the strict {@link Json} mapper, turning every mistake into a 400 that names it. */
public final class RequestBody {
    private RequestBody() {}

    /** Reads a request body into {@code type}, or fails with a 400 that says exactly what to fix. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw ApiError.badRequest("invalid_json", "The request body is empty; send a JSON object.");
        }
        if (escapesNul(body)) {
            throw ApiError.badRequest("invalid_json", "The request body contains a NUL character (\\u0000), which no field"
                    + " accepts; remove it.");
        }
        try {
            T value = Json.MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiError.badRequest("invalid_json", "The request body must be a JSON object, not null.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            throw ApiError.invalid("unknown_field", e.getPropertyName(),
                    "Unknown field `" + e.getPropertyName() + "`. Known fields: " + known + ".");
        } catch (JsonParseException e) {
            throw ApiError.badRequest("invalid_json", "The request body is not valid JSON: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ").");
        } catch (MismatchedInputException e) {
            String field = fieldPath(e);
            if (field.isEmpty()) {
                throw ApiError.badRequest("invalid_json", "The request body must be a JSON object.");
            }
            throw ApiError.invalid("invalid_field", field,
                    "Field `" + field + "` must be " + describe(e.getTargetType()) + ".");
        } catch (JsonMappingException e) {
            throw ApiError.badRequest("invalid_json", "The request body could not be read: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("invalid_json", "The request body could not be read.");
        }
    }

    /**
     * Whether a JSON text holds the escape for NUL. A raw NUL byte is already invalid JSON, so the escape is
     * the only way one gets into a string, and PostgreSQL refuses text with one (it was a 500).
     */
    static boolean escapesNul(byte[] json) {
        for (int i = 0; i < json.length - 1; i++) {
            if (json[i] == '\\') {
                if (json[i + 1] == 'u' && i + 5 < json.length && json[i + 2] == '0' && json[i + 3] == '0'
                        && json[i + 4] == '0' && json[i + 5] == '0') {
                    return true;
                }
                i++; // the escaped character, which may itself be a backslash
            }
        }
        return false;
    }

    private static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of a different type";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
