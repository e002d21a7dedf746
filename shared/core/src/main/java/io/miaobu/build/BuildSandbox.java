package io.miaobu.build;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One build's sandbox: every command of the build runs in it, as the build's own identity, and
 * {@link #close()} ends every process it started, whatever they did to escape.
 */
public interface BuildSandbox extends AutoCloseable {
    /**
     * Runs {@code command} through {@code sh -c} in {@code workDir} with exactly {@code env} as its
     * environment (nothing inherited from the platform), streaming every line to {@code output}.
     *
     * @param canceled polled about every 250 ms; when it turns true every process of the command is killed
     * @return the exit code
     * @throws BuildFailure when the command outlives {@code timeout} (its processes are killed)
     * @throws BuildCanceled when {@code canceled} turned true
     */
    int run(String command, Path workDir, Map<String, String> env, Duration timeout, BuildOutput output,
            BooleanSupplier canceled) throws BuildFailure, BuildCanceled;

    /**
     * Makes {@code path} (a file, or a directory and everything in it, links themselves and never their
     * targets) belong to the build, so its commands can write there. Called by the platform after it
     * put files into the workspace.
     */
    default void prepare(Path path) throws IOException {}

    /** How the build is contained, for its log ("in its own namespaces as uid 2000000003, limits ..."); empty when it is not. */
    default String describe() {
        return "";
    }

    /**
     * What, beside the lockfile, decides whether files cached by an earlier build fit this one (the kind
     * of sandbox; never the per-build uid, because the platform hands restored files to each build).
     */
    default String cacheIdentity() {
        return "";
    }

    /** Ends every process the build started and gives its identity back. Never throws. */
    @Override
    default void close() {}
}
