package io.miaobu.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * One build to run. As a queue message it is {@code {"deploymentId": "d..."}}, written by whoever queues it
 * (MNS) and read by whoever receives it (the MNS adapter, the builder function's MNS trigger).
 */
public record BuildJob(String deploymentId) {
    public String toMessage() {
        return Json.writeString(Map.of("deploymentId", deploymentId));
    }

    /** The job a message body holds, or empty when it is not a build job message (unknown fields are ignored). */
    public static Optional<BuildJob> fromMessage(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode id = Json.MAPPER.readTree(body).get("deploymentId");
            return id != null && id.isTextual() && !id.asText().isBlank() ? Optional.of(new BuildJob(id.asText())) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
