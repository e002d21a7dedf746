package io.miaobu.local.functions;

/** Receives what a deployment's workers print, line by line (stream: stdout, stderr or system). */
@FunctionalInterface
public interface FunctionOutput {
    void line(String deploymentId, String stream, String text);

    FunctionOutput NONE = (deploymentId, stream, text) -> {};
}
