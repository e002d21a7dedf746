package io.miaobu.dynamic;

import java.util.List;

/** The runtimes a build packages functions for, in the order they run. */
public final class FunctionBundlers {
    private FunctionBundlers() {}

    /** @param runBuildMachine whether the functions run beside the build, on its interpreters ({@link FunctionHost#runsOnBuildMachine}) */
    public static List<FunctionBundler> all(boolean runBuildMachine) {
        return List.of(new NodeFunctionBundler(), new PythonBundler(runBuildMachine));
    }
}
