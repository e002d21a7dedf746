package io.miaobu.local.fc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /** Writes {@code archive} for {@code jar}; {@code env} must hold a migrated MIAOBU_DATABASE_URL and a secret key. */
    public static void record(String java, Path jar, Path archive, Map<String, String> env, Path log)
            throws IOException, InterruptedException {
        Files.deleteIfExists(archive);
        List<String> flags = new ArrayList<>(FcProcess.FC_FLAGS);
        flags.add("-XX:ArchiveClassesAtExit=" + archive);
        try (FcProcess function = FcProcess.start(java, flags, jar, env, log)) {
            function.firstAnswer("GET", "/api/v1/health", Map.of(), null, Duration.ofSeconds(60));
            exercise(function);
        }
        if (!Files.isRegularFile(archive)) {
            throw new IOException("the JVM wrote no archive " + archive + " (see " + log + ")");
        }
    }

    /** The first requests of a typical instance; their answers do not matter, the classes they load do. */
    static void exercise(FcProcess function) throws IOException {
        String email = "training-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        FcProcess.Reply registered = function.send("POST", "/api/v1/auth/register", JSON,
                "{\"email\":\"" + email + "\",\"password\":\"training-password-123\"}");
        String token = registered.body().replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        Map<String, String> auth = Map.of("authorization", "Bearer " + token);
        function.send("GET", "/api/v1/me", auth, null);
        function.send("GET", "/api/v1/projects", auth, null);
        function.send("GET", "/api/v1/projects", Map.of(), null);
        function.send("GET", "/api/v1/auth/providers", Map.of(), null);
        function.send("POST", "/webhooks/github", Map.of("x-github-event", "ping", "x-hub-signature-256", "sha256=00",
                "content-type", "application/json"), "{\"zen\":\"training\"}");
        function.send("GET", "/api/v1/no-such-route", Map.of(), null);
    }
}
