package io.miaobu.config;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The official layers that provide Node.js and Python to deployments' functions on Function Compute
 * (docs/functions.md "On Aliyun"); their limits and runtimes folder are {@link FunctionSettings}, as in local mode.
 *
 * @param nodeLayer MIAOBU_FC_NODE_LAYER: the layer version ARN that provides {@code node}
 * @param pythonLayer MIAOBU_FC_PYTHON_LAYER: the layer version ARN that provides {@code python3}
 */
public record FcSettings(Optional<String> nodeLayer, Optional<String> pythonLayer) {
    private static final Pattern LAYER = Pattern.compile("^acs:fc:[a-z0-9-]+:(official|[0-9]+):layers/[A-Za-z0-9_-]+/versions/[0-9]+$");

    static FcSettings fromEnv(Function<String, Optional<String>> env, Optional<String> region) {
        // Official layers (FC "Configure official public layers"): acs:fc:{region}:official:layers/{name}/versions/{n}.
        Optional<String> node = env.apply("MIAOBU_FC_NODE_LAYER").or(() -> region.map(r -> "acs:fc:" + r + ":official:layers/Nodejs20/versions/1"));
        Optional<String> python = env.apply("MIAOBU_FC_PYTHON_LAYER").or(() -> region.map(r -> "acs:fc:" + r + ":official:layers/Python310/versions/1"));
        for (var layer : java.util.List.of(java.util.Map.entry("MIAOBU_FC_NODE_LAYER", node), java.util.Map.entry("MIAOBU_FC_PYTHON_LAYER", python))) {
            layer.getValue().filter(v -> !LAYER.matcher(v).matches()).ifPresent(v -> {
                throw new ConfigException(layer.getKey() + " must be a layer version ARN such as acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/1, got \"" + v + "\"");
            });
        }
        return new FcSettings(node, python);
    }

}
