package io.miaobu.build;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Runs one user command (install or build) as a child process, streaming its output. */
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
}
