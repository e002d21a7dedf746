package io.miaobu.architecture;

import java.util.List;

/**
 * Miaobu's layers, each with the layers below it that it may use (a layer declared later cannot be named, so
 * nothing uses a layer above it). Adapters and functions also use no other module of their own layer but as
 * {@link Modules#ADAPTER_USES} lists.
 */
enum Layer {
    CORE("core"),
    ADAPTER("adapters", CORE),
    RUNTIME("the function runtime", CORE, ADAPTER),
    FUNCTION("the platform's functions", CORE, ADAPTER, RUNTIME),
    LOCAL_MODE("local mode", CORE, ADAPTER, RUNTIME),
    // Used by tests only, so no product layer may use it; it is built before the adapters it tests.
    TEST_SUPPORT("test support", CORE, ADAPTER),
    // Benchmarks start the local host and function jars with test support's launchers (FunctionProcess, Pebble).
    TOOL("operator tools", CORE, ADAPTER, RUNTIME, FUNCTION, LOCAL_MODE, TEST_SUPPORT),
    // Modules that hold tests and no classes of their own (ArchitectureTest checks they have none).
    TESTS_ONLY("tests only");

    final String title;
    final List<Layer> uses;

    Layer(String title, Layer... uses) {
        this.title = title;
        this.uses = List.of(uses);
    }
}
