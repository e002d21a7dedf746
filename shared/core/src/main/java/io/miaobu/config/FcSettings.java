package io.miaobu.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How deployments' functions run on Function Compute (docs/functions.md "On Aliyun"): the limits each
 * request gets, the official layers that provide Node.js and Python to the custom runtime, and where the
 * runtimes' servers are to be packaged from.
 *
 * @param timeoutSeconds MIAOBU_FUNCTION_TIMEOUT_SECONDS: a request's limit (FC: 1 to 86400)
 * @param memoryMb MIAOBU_FUNCTION_MEMORY_MB: each instance's memory (FC: 128 to 32768, a multiple of 64)
 * @param nodeLayer MIAOBU_FC_NODE_LAYER: the layer version ARN that provides {@code node}
 * @param pythonLayer MIAOBU_FC_PYTHON_LAYER: the layer version ARN that provides {@code python3}
 * @param runtimesDir MIAOBU_RUNTIMES_DIR: the folder holding {@code node/server.mjs} and {@code python/server.py}
 */
public record FcSettings(int timeoutSeconds, int memoryMb, Optional<String> nodeLayer, Optional<String> pythonLayer, Path runtimesDir) {
    private static final Pattern LAYER = Pattern.compile("^acs:fc:[a-z0-9-]+:(official|[0-9]+):layers/[A-Za-z0-9_-]+/versions/[0-9]+$");

    static FcSettings fromEnv(Function<String, Optional<String>> env, Optional<String> region) {
        int timeout = number(env, "MIAOBU_FUNCTION_TIMEOUT_SECONDS", 10);
        if (timeout < 1 || timeout > 86400) {
            throw new ConfigException("MIAOBU_FUNCTION_TIMEOUT_SECONDS must be 1 to 86400 (Function Compute's range), got " + timeout);
        }
        int memory = number(env, "MIAOBU_FUNCTION_MEMORY_MB", 512);
        if (memory < 128 || memory > 32768 || memory % 64 != 0) {
            throw new ConfigException("MIAOBU_FUNCTION_MEMORY_MB must be a multiple of 64 from 128 to 32768 (Function Compute's rule), got " + memory);
        }
        // Official layers (FC "Configure official public layers"): acs:fc:{region}:official:layers/{name}/versions/{n}.
        Optional<String> node = env.apply("MIAOBU_FC_NODE_LAYER").or(() -> region.map(r -> "acs:fc:" + r + ":official:layers/Nodejs20/versions/1"));
        Optional<String> python = env.apply("MIAOBU_FC_PYTHON_LAYER").or(() -> region.map(r -> "acs:fc:" + r + ":official:layers/Python310/versions/1"));
        for (var layer : java.util.List.of(java.util.Map.entry("MIAOBU_FC_NODE_LAYER", node), java.util.Map.entry("MIAOBU_FC_PYTHON_LAYER", python))) {
            layer.getValue().filter(v -> !LAYER.matcher(v).matches()).ifPresent(v -> {
                throw new ConfigException(layer.getKey() + " must be a layer version ARN such as acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/1, got \"" + v + "\"");
            });
        }
        Path runtimes = Path.of(env.apply("MIAOBU_RUNTIMES_DIR").orElse("runtimes"));
        return new FcSettings(timeout, memory, node, python, runtimes);
    }

    private static int number(Function<String, Optional<String>> env, String name, int fallback) {
        String raw = env.apply(name).orElse(null);
        try {
            return raw == null ? fallback : Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got \"" + raw + "\"");
        }
    }
}
