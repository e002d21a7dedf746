package io.miaobu.tools.fc;

import io.miaobu.testkit.FunctionProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Records an AppCDS archive for a function jar: one run of the function with
 * {@code -XX:ArchiveClassesAtExit} that serves the requests a cold instance typically gets first
 * (health, a sign-up and a list against a real database, an unauthenticated call, a webhook with a bad
 * signature), then stops. The next start with {@code -XX:SharedArchiveFile} maps those classes
 * instead of loading and verifying them. The archive fits only the JVM build that made it.
 */
public final class FunctionTraining {
    private static final Map<String, String> JSON = Map.of("content-type", "application/json");

    private FunctionTraining() {}

    /**
     * Writes {@code archive} for the launcher's jar; the launcher must give the function a migrated
     * MIAOBU_DATABASE_URL ({@link FcPackage#launcher}).
     */
    public static void record(FunctionProcess.Launcher function, Path archive) throws IOException, InterruptedException {
        Files.deleteIfExists(archive);
        // The JVM writes the archive when it stops: SIGTERM, as FC stops an instance, and time to write it.
        function.jvmOptions(FunctionProcess.FC_FLAGS).jvmOption("-XX:ArchiveClassesAtExit=" + archive)
                .stopWithin(Duration.ofSeconds(60));
        String output;
        try (FunctionProcess running = function.spawn()) {
            running.firstAnswer("GET", "/api/v1/health", Map.of(), null, Duration.ofSeconds(60));
            exercise(running);
            running.close();
            output = running.output();
        }
        if (!Files.isRegularFile(archive)) {
            throw new IOException("the JVM wrote no archive " + archive + "; its output:\n" + output);
        }
    }

    /** The first requests of a typical instance; their answers do not matter, the classes they load do. */
    static void exercise(FunctionProcess function) throws IOException {
        String email = "training-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        FunctionProcess.RawReply registered = function.sendRaw("POST", "/api/v1/auth/register", JSON,
                "{\"email\":\"" + email + "\",\"password\":\"training-password-123\"}");
        String token = registered.body().replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        Map<String, String> auth = Map.of("authorization", "Bearer " + token);
        function.sendRaw("GET", "/api/v1/me", auth, null);
        function.sendRaw("GET", "/api/v1/projects", auth, null);
        function.sendRaw("GET", "/api/v1/projects", Map.of(), null);
        function.sendRaw("GET", "/api/v1/auth/providers", Map.of(), null);
        function.sendRaw("POST", "/webhooks/github", Map.of("x-github-event", "ping", "x-hub-signature-256", "sha256=00",
                "content-type", "application/json"), "{\"zen\":\"training\"}");
        function.sendRaw("GET", "/api/v1/no-such-route", Map.of(), null);
    }
}
