package io.miaobu.functions.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.deploy.BuildJob;
import io.miaobu.http.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The event bodies FC posts to {@code /invoke} (fc-java-event is not on Maven Central, so the few
 * shapes Miaobu needs are read here): the MNS queue message through EventBridge as a CloudEvents
 * envelope, single or in a batch array, and the timer trigger's event.
 */
public final class FcEvents {
    // Events carry many fields we do not use; reading them leniently keeps us working when Aliyun adds more.
    private static final ObjectMapper LENIENT = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private FcEvents() {}

    /** One MNS message: {@code data.messageBody} of a CloudEvents envelope. */
    public record QueueMessage(String eventId, String messageId, String body) {}

    public record TimerEvent(String triggerTime, String triggerName, String payload) {}

    /** The messages of an EventBridge delivery (an envelope or an array of them). */
    public static List<QueueMessage> queueMessages(byte[] body) throws IOException {
        JsonNode root = LENIENT.readTree(body);
        List<QueueMessage> messages = new ArrayList<>();
        if (root == null) {
            return messages;
        }
        if (root.isArray()) {
            root.forEach(envelope -> messages.add(message(envelope)));
        } else {
            messages.add(message(root));
        }
        return messages;
    }

    private static QueueMessage message(JsonNode envelope) {
        JsonNode data = envelope.path("data");
        String text = data.isTextual() ? data.asText() : data.path("messageBody").asText(null);
        return new QueueMessage(envelope.path("id").asText(null), data.path("messageId").asText(null), decode(text));
    }

    /** EventBridge base64-decodes MNS bodies by default (IsBase64Decode); a body that is still base64 is decoded here. */
    private static String decode(String text) {
        if (text == null || text.isBlank() || text.trim().startsWith("{")) {
            return text;
        }
        try {
            return new String(Base64.getDecoder().decode(text.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    public static TimerEvent timer(byte[] body) throws IOException {
        if (body.length == 0) {
            return new TimerEvent(null, null, null);
        }
        return LENIENT.readValue(body, TimerEvent.class);
    }

    /** The deployment id in a build job message: {@code {"deploymentId": "d..."}}. */
    public static String deploymentId(String messageBody) throws IOException {
        if (messageBody == null || messageBody.isBlank()) {
            throw new IOException("message has no body");
        }
        return BuildJob.fromMessage(messageBody).map(BuildJob::deploymentId)
                .orElseThrow(() -> new IOException("message has no deploymentId: " + messageBody));
    }

    /**
     * FC's event handler contract for custom runtimes and containers: an invocation succeeded when the
     * answer is 200 with {@code x-fc-status: 200}, failed when it is 404 with {@code x-fc-status: 404};
     * other statuses are off-contract (FC docs "Event handlers" of the custom container runtime,
     * alibabacloud.com/help/en/fc/user-guide/event-handlers-1).
     */
    public static Response succeeded(Object body) {
        return Response.json(200, body).header(FC_STATUS, "200");
    }

    /** A failed invocation under the same contract: FC reports it as a function error, and the trigger's retry policy applies. */
    public static Response failed(Object body) {
        return Response.json(404, body).header(FC_STATUS, "404");
    }

    private static final String FC_STATUS = "x-fc-status";
}
