package io.miaobu.dynamic;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.BuildSandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One runtime's part of a build: after the site's build command, finds that runtime's functions (or web
 * app) in the project and packages them, with their dependencies, into the deployment's function bundle.
 * Everything that runs the project's code or its package manager runs in the build's sandbox.
 */
public interface FunctionBundler {
    /**
     * @param repo the checked-out repository
     * @param root the project's root directory inside it (where {@code api/} is looked for)
     * @param bundleDir the bundle being assembled (shared by every runtime; write under your runtime's folder)
     * @param env the build's environment (the project's variables for its target included)
     */
    record Request(Path repo, Path root, Path bundleDir, BuildSandbox sandbox, Map<String, String> env,
                   BuildOutput log, BooleanSupplier canceled, Duration timeout) {}

    /** Packages what this runtime finds; returns it ({@link FunctionManifest#EMPTY} when there is nothing). */
    FunctionManifest bundle(Request request) throws IOException, BuildFailure, BuildCanceled;
}
