package io.miaobu.local.functions;

import com.fasterxml.jackson.core.type.TypeReference;
import io.miaobu.build.FileTrees;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.json.Json;
import io.miaobu.secrets.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Deployments' functions as the local host keeps them: {@code {data}/functions/{deploymentId}/bundle} (a copy
 * of what the build bundled, never changed) and {@code env} (the deployment's variables, encrypted under a
 * key of the data directory, bound to the deployment). The folder is Miaobu's alone: workers get copies.
 */
final class StoredFunctions {
    private static final Pattern DEPLOYMENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private final Path root;
    private final Secrets secrets;

    StoredFunctions(Path root, Secrets secrets) throws IOException {
        this.root = Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        this.secrets = secrets;
    }

    void store(String deploymentId, Path bundle, Map<String, String> env) throws IOException {
        Path dir = dir(deploymentId).orElseThrow(() -> new IOException("not a deployment id: " + deploymentId));
        FileTrees.delete(dir);
        Path staging = root.resolve("." + deploymentId + ".staging");
        FileTrees.delete(staging);
        FileTrees.copy(bundle, staging.resolve("bundle"), false);
        Path envFile = staging.resolve("env");
        Files.writeString(envFile, secrets.encrypt(new String(Json.write(env), StandardCharsets.UTF_8), context(deploymentId)));
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        Files.move(staging, dir); // a worker never starts from a half-copied bundle
    }

    /** The deployment's bundle, when its functions are stored here. */
    Optional<Path> bundle(String deploymentId) {
        return dir(deploymentId).map(d -> d.resolve("bundle")).filter(Files::isDirectory);
    }

    FunctionManifest manifest(String deploymentId) throws IOException {
        return FunctionManifest.read(bundle(deploymentId).orElseThrow(() -> new IOException("no functions stored for " + deploymentId)));
    }

    Map<String, String> env(String deploymentId) throws IOException {
        Path file = dir(deploymentId).orElseThrow().resolve("env");
        String plain = secrets.decrypt(Files.readString(file), context(deploymentId));
        return Json.MAPPER.readValue(plain, new TypeReference<Map<String, String>>() {});
    }

    void delete(String deploymentId) {
        dir(deploymentId).ifPresent(FileTrees::delete);
    }

    private Optional<Path> dir(String deploymentId) {
        return DEPLOYMENT_ID.matcher(deploymentId).matches() ? Optional.of(root.resolve(deploymentId)) : Optional.empty();
    }

    private static String context(String deploymentId) {
        return "function-env:" + deploymentId;
    }
}
