package io.miaobu.dynamic;

import java.util.List;

/** The runtimes a build packages functions for, in the order they run. */
public final class FunctionBundlers {
    private FunctionBundlers() {}

    /** The bundlers for the functions {@code host} runs: Python's installs for the host's interpreter. */
    public static List<FunctionBundler> all(FunctionHost host) {
        PythonBundler python = host.runsOnBuildMachine() ? new PythonBundler()
                : host.pythonVersion().map(PythonBundler::new).orElseGet(() -> new PythonBundler(false));
        return List.of(new NodeFunctionBundler(), python);
    }
}
