package io.miaobu.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.miaobu.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Where the command line finds its settings: {@code MIAOBU_API_URL} (default
 * http://localhost:8080) and {@code MIAOBU_TOKEN}, or else the token {@code ./miaobu login} saved
 * for that API URL in {@code $XDG_CONFIG_HOME/miaobu/credentials.json} (default
 * {@code ~/.config/miaobu/}), readable by its owner only.
 */
final class Credentials {
    static final String DEFAULT_API_URL = "http://localhost:8080";

    private final Map<String, String> env;

    Credentials(Map<String, String> env) {
        this.env = env;
    }

    String apiUrl() {
        String url = env.get("MIAOBU_API_URL");
        return (url == null || url.isBlank() ? DEFAULT_API_URL : url.strip()).replaceFirst("/+$", "");
    }

    Optional<String> token() throws IOException {
        String token = env.get("MIAOBU_TOKEN");
        if (token != null && !token.isBlank()) {
            return Optional.of(token.strip());
        }
        Path file = file();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode saved = Json.MAPPER.readTree(file.toFile()).path(apiUrl());
        return saved.isTextual() ? Optional.of(saved.asText()) : Optional.empty();
    }

    /** Saves the token for the current API URL, keeping those of other servers. */
    Path save(String token) throws IOException {
        Path file = file();
        Files.createDirectories(file.getParent());
        ObjectNode all = Files.isRegularFile(file) && Json.MAPPER.readTree(file.toFile()) instanceof ObjectNode existing
                ? existing : Json.MAPPER.createObjectNode();
        all.put(apiUrl(), token);
        Path tmp = Files.createTempFile(file.getParent(), ".credentials-", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the user's profile folder protects it
            }
            Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    private Path file() {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path dir = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return dir.resolve("miaobu").resolve("credentials.json");
    }
}
