package io.miaobu.esa;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.RamActions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deploys the edge routine's code the way ESA wants it: create the routine once, ask for a
 * staging upload form (an OSS PostObject policy), POST the file to it, commit the staging code as
 * a new version, and publish that version to staging and then production.
 */
public final class RoutinePublisher {
    /** What the operator's key must allow for {@code ./miaobu edge publish} (functions never publish). */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("ESA routine publish (operator)", "esa", "GetRoutine",
            "CreateRoutine", "GetRoutineStagingCodeUploadInfo", "CommitRoutineStagingCode", "PublishRoutineCodeVersion");

    private final EsaApi api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public RoutinePublisher(EsaApi api) {
        this.api = api;
    }

    /** What a publish did. */
    public record Published(String routine, String codeVersion, List<String> environments, boolean created) {}

    public Published publish(String routine, String code, String description, List<String> environments) {
        boolean created = ensureRoutine(routine, description);
        JsonNode form = api.call("GetRoutineStagingCodeUploadInfo", Map.of("Name", routine)).path("OssPostConfig");
        if (!form.hasNonNull("Url")) {
            throw new IllegalStateException("ESA GetRoutineStagingCodeUploadInfo answered no upload URL for routine " + routine);
        }
        upload(form, code.getBytes(StandardCharsets.UTF_8));
        String version = api.call("CommitRoutineStagingCode", Map.of("Name", routine, "CodeDescription", description))
                .path("CodeVersion").asText();
        for (String env : environments) {
            api.call("PublishRoutineCodeVersion", Map.of("Name", routine, "CodeVersion", version, "Env", env));
        }
        return new Published(routine, version, environments, created);
    }

    private boolean ensureRoutine(String routine, String description) {
        try {
            api.call("GetRoutine", Map.of("Name", routine));
            return false;
        } catch (AliyunApiException e) {
            if (e.code() == null || !e.code().contains("NotExist") && !e.code().contains("NotFound")) {
                throw e;
            }
        }
        api.call("CreateRoutine", Map.of("Name", routine, "Description", description));
        return true;
    }

    /** OSS PostObject: every form field ESA handed out, then the file (OSS wants it last). */
    private void upload(JsonNode form, byte[] file) {
        String boundary = "miaobu-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Iterator<Map.Entry<String, JsonNode>> it = form.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("Url") || field.getValue().isNull()) {
                continue;
            }
            part(body, boundary, "Content-Disposition: form-data; name=\"" + field.getKey() + "\"", field.getValue().asText().getBytes(StandardCharsets.UTF_8));
        }
        part(body, boundary, "Content-Disposition: form-data; name=\"file\"; filename=\"routine.js\"\r\nContent-Type: application/javascript", file);
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(form.path("Url").asText()))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("Uploading the routine code to ESA's staging storage failed with HTTP "
                        + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Uploading the routine code to " + form.path("Url").asText() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while uploading the routine code", e);
        }
    }

    private static void part(ByteArrayOutputStream out, String boundary, String headers, byte[] content) {
        out.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
}
