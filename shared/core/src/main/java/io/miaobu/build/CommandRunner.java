package io.miaobu.build;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs one user command (install or build) as a child process, streaming its output. An adapter
 * may run it as an unprivileged build user (the sandbox, DESIGN §6); then the platform hands the
 * workspace over to that user before any user command runs in it.
 */
public interface CommandRunner {
    /**
     * Runs {@code command} through {@code sh -c} in {@code workDir} with exactly {@code env} as its
     * environment (nothing inherited from the platform), streaming every line to {@code output}.
     *
     * @param canceled polled about every 250 ms; when it turns true the whole process tree is killed
     * @return the exit code
     * @throws BuildFailure when the command outlives {@code timeout} (the process tree is killed)
     * @throws BuildCanceled when {@code canceled} turned true
     */
    int run(String command, Path workDir, Map<String, String> env, Duration timeout, BuildOutput output,
            BooleanSupplier canceled) throws BuildFailure, BuildCanceled;

    /**
     * Makes {@code path} (a file, or a directory and everything in it) belong to the user commands run
     * as, so they can write there. Called by the platform after it wrote files into a workspace.
     */
    default void prepareWorkspace(Path path) throws IOException {}

    /**
     * Where build workspaces are made: {@code configured} when the build user can reach it, else a
     * place it can. Called once, when the builder is created.
     */
    default Path workspaceRoot(Path configured) throws IOException {
        return configured;
    }

    /** Who user commands run as, for the build log (for example "uid 65534"); empty when not switched. */
    default String describeUser() {
        return "";
    }
}
