package io.miaobu.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The official layers that provide Node.js and Python to deployments' functions on Function Compute
 * (docs/functions.md "On Aliyun"); their limits and runtimes folder are {@link FunctionSettings}, as in local mode.
 *
 * @param nodeLayer MIAOBU_FC_NODE_LAYER: the layer version ARN that provides {@code node}
 * @param pythonLayer MIAOBU_FC_PYTHON_LAYER: the layer version ARN that provides {@code python3}
 * @param pythonVersion the Python (X.Y) that layer runs: MIAOBU_FC_PYTHON_VERSION, else read from the layer's name
 *                      ({@code Python310} is 3.10); present whenever {@code pythonLayer} is. Builds install Python
 *                      dependencies for it, not for the builder's own interpreter
 */
public record FcSettings(Optional<String> nodeLayer, Optional<String> pythonLayer, Optional<String> pythonVersion) {
    private static final Pattern LAYER = Pattern.compile("^acs:fc:[a-z0-9-]+:(official|[0-9]+):layers/([A-Za-z0-9_-]+)/versions/[0-9]+$");
    /** The official layers' names: Python39, Python310, Python312 (FC "Configure official public layers"). */
    private static final Pattern PYTHON_LAYER_NAME = Pattern.compile("^[Pp]ython-?(3)\\.?(\\d{1,2})(?:[^0-9].*)?$");
    private static final Pattern VERSION = Pattern.compile("^3\\.\\d{1,2}$");

    public FcSettings {
        if (pythonLayer.isPresent() && pythonVersion.isEmpty()) {
            throw new IllegalArgumentException("a Python layer needs its Python version");
        }
    }

    static FcSettings fromEnv(Function<String, Optional<String>> env, Optional<String> region) {
        // Official layers (FC "Configure official public layers"): acs:fc:{region}:official:layers/{name}/versions/{n}.
        Optional<String> node = env.apply("MIAOBU_FC_NODE_LAYER").or(() -> region.map(r -> "acs:fc:" + r + ":official:layers/Nodejs20/versions/1"));
        Optional<String> python = env.apply("MIAOBU_FC_PYTHON_LAYER").or(() -> region.map(r -> "acs:fc:" + r + ":official:layers/Python310/versions/1"));
        for (var layer : List.of(Map.entry("MIAOBU_FC_NODE_LAYER", node), Map.entry("MIAOBU_FC_PYTHON_LAYER", python))) {
            layer.getValue().filter(v -> !LAYER.matcher(v).matches()).ifPresent(v -> {
                throw new ConfigException(layer.getKey() + " must be a layer version ARN such as acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/1, got \"" + v + "\"");
            });
        }
        Optional<String> version = env.apply("MIAOBU_FC_PYTHON_VERSION");
        version.filter(v -> !VERSION.matcher(v).matches()).ifPresent(v -> {
            throw new ConfigException("MIAOBU_FC_PYTHON_VERSION must be the layer's Python as major.minor, such as 3.10, got \"" + v + "\"");
        });
        Optional<String> named = python.flatMap(FcSettings::versionOfLayer);
        if (version.isPresent() && named.isPresent() && !version.equals(named)) {
            throw new ConfigException("MIAOBU_FC_PYTHON_VERSION is " + version.get() + " but MIAOBU_FC_PYTHON_LAYER (" + python.get()
                    + ") is Python " + named.get() + "; set one that matches the layer, or leave MIAOBU_FC_PYTHON_VERSION unset");
        }
        if (python.isPresent() && version.isEmpty() && named.isEmpty()) {
            throw new ConfigException("MIAOBU_FC_PYTHON_LAYER (" + python.get() + ") does not say its Python version in its name; set "
                    + "MIAOBU_FC_PYTHON_VERSION to the version it provides (such as 3.10), so builds install dependencies for it");
        }
        return new FcSettings(node, python, python.isEmpty() ? Optional.empty() : version.or(() -> named));
    }

    /** {@code …/layers/Python310/versions/1} is 3.10, {@code Python312} 3.12; empty when the name does not say. */
    public static Optional<String> versionOfLayer(String arn) {
        Matcher layer = LAYER.matcher(arn);
        if (!layer.matches()) {
            return Optional.empty();
        }
        Matcher name = PYTHON_LAYER_NAME.matcher(layer.group(2));
        return name.matches() ? Optional.of(name.group(1) + "." + name.group(2)) : Optional.empty();
    }
}
