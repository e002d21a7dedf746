package io.miaobu.functions;

import java.util.List;

/** The runtimes a build packages functions for, in the order they run. */
public final class FunctionBundlers {
    private FunctionBundlers() {}

    public static List<FunctionBundler> all() {
        return List.of(new NodeFunctionBundler(), new PythonBundler());
    }
}
