package io.miaobu.architecture;

import java.util.List;

/**
 * Miaobu's layers, each with the layers below it that it may use. Nothing uses a layer above it, and the
 * modules of one layer use each other only where {@link Modules} says so.
 */
enum Layer {
    CORE("core"),
    ADAPTER("adapters", CORE),
    RUNTIME("the function runtime", CORE, ADAPTER),
    FUNCTION("the platform's functions", CORE, ADAPTER, RUNTIME),
    LOCAL_MODE("local mode", CORE, ADAPTER, RUNTIME),
    TOOL("operator tools", CORE, ADAPTER, RUNTIME, FUNCTION, LOCAL_MODE),
    // Used by tests only, so no product layer may use it; it is built before the adapters it tests.
    TEST_SUPPORT("test support", CORE, ADAPTER),
    // Modules that hold tests and no classes of their own (ArchitectureTest checks they have none).
    TESTS_ONLY("tests only");

    final String title;
    final List<Layer> uses;

    Layer(String title, Layer... uses) {
        this.title = title;
        this.uses = List.of(uses);
    }
}
