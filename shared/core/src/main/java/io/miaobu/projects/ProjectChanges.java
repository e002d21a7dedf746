package io.miaobu.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.miaobu.errors.ApiError;
import io.miaobu.http.RequestBody;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A PATCH body. Absent fields stay as they are; for build settings an explicit {@code null}
 * clears the override so detection applies again — a difference a plain record cannot express.
 */
public record ProjectChanges(
        Optional<String> name,
        Optional<String> gitUrl,
        Optional<String> productionBranch,
        Setting rootDirectory,
        Setting installCommand,
        Setting buildCommand,
        Setting outputDirectory,
        Optional<Boolean> autoPublish) {

    private static final Set<String> FIELDS = Set.of("name", "gitUrl", "productionBranch", "rootDirectory",
            "installCommand", "buildCommand", "outputDirectory", "autoPublish");

    /** A nullable setting that may also be absent. */
    public record Setting(boolean isSet, String value) {
        static final Setting ABSENT = new Setting(false, null);
    }

    public static ProjectChanges parse(byte[] body) {
        JsonNode node = RequestBody.read(body, JsonNode.class);
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest("invalid_json", "The request body must be a JSON object.");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                unknown.add(field);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiError.invalid("unknown_field", unknown.get(0), "Unknown field `" + unknown.get(0) + "`. Known fields: "
                    + String.join(", ", FIELDS.stream().sorted().toList()) + ".");
        }
        return new ProjectChanges(
                requiredString(object, "name"),
                requiredString(object, "gitUrl"),
                requiredString(object, "productionBranch"),
                setting(object, "rootDirectory"),
                setting(object, "installCommand"),
                setting(object, "buildCommand"),
                setting(object, "outputDirectory"),
                bool(object, "autoPublish"));
    }

    private static Optional<String> requiredString(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.invalid("invalid_field", field, "Field `" + field + "` must be a string.");
        }
        return Optional.of(value.asText());
    }

    private static Setting setting(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null) {
            return Setting.ABSENT;
        }
        if (value.isNull()) {
            return new Setting(true, null);
        }
        if (!value.isTextual()) {
            throw ApiError.invalid("invalid_field", field, "Field `" + field + "` must be a string or null.");
        }
        return new Setting(true, value.asText());
    }

    private static Optional<Boolean> bool(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid("invalid_field", field, "Field `" + field + "` must be true or false.");
        }
        return Optional.of(value.asBoolean());
    }
}
