package io.miaobu.architecture;

import static io.miaobu.architecture.Layer.ADAPTER;
import static io.miaobu.architecture.Layer.CORE;
import static io.miaobu.architecture.Layer.FUNCTION;
import static io.miaobu.architecture.Layer.LOCAL_MODE;
import static io.miaobu.architecture.Layer.RUNTIME;
import static io.miaobu.architecture.Layer.TESTS_ONLY;
import static io.miaobu.architecture.Layer.TEST_SUPPORT;
import static io.miaobu.architecture.Layer.TOOL;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every module of the build with its layer and packages: the one table the architecture rules read. */
final class Modules {
    static final List<Module> ALL = List.of(
            module("shared/core", CORE, "io.miaobu"),
            module("shared/http", ADAPTER, "io.miaobu.http.server"),
            module("shared/postgres", ADAPTER, "io.miaobu.postgres"),
            module("shared/build", ADAPTER, "io.miaobu.build.git", "io.miaobu.build.process"),
            module("shared/local", ADAPTER, "io.miaobu.local"),
            module("shared/github", ADAPTER, "io.miaobu.github.rest"),
            module("shared/aliyun", ADAPTER, "io.miaobu.aliyun"),
            module("shared/dns", ADAPTER, "io.miaobu.dns"),
            module("shared/acme", ADAPTER, "io.miaobu.acme"),
            module("shared/esa", ADAPTER, "io.miaobu.esa"),
            module("shared/cas", ADAPTER, "io.miaobu.cas"),
            module("shared/alidns", ADAPTER, "io.miaobu.alidns"),
            module("shared/cdn", ADAPTER, "io.miaobu.cdn"),
            module("shared/oss", ADAPTER, "io.miaobu.oss"),
            module("shared/mns", ADAPTER, "io.miaobu.mns"),
            module("shared/fc", ADAPTER, "io.miaobu.fc"),
            module("shared/testkit", TEST_SUPPORT, "io.miaobu.testkit"),
            module("functions/runtime", RUNTIME, "io.miaobu.functions"),
            module("functions/api", FUNCTION, "io.miaobu.functions.api"),
            module("functions/oauth", FUNCTION, "io.miaobu.functions.oauth"),
            module("functions/webhook", FUNCTION, "io.miaobu.functions.webhook"),
            module("functions/builder", FUNCTION, "io.miaobu.functions.builder"),
            module("functions/scheduler", FUNCTION, "io.miaobu.functions.scheduler"),
            module("functions/local", LOCAL_MODE, "io.miaobu.local.host", "io.miaobu.local.cli",
                    "io.miaobu.local.functions"),
            module("shared/doctor", TOOL, "io.miaobu.doctor"),
            module("tools", TOOL, "io.miaobu.tools"),
            module("deploy", TESTS_ONLY),
            module("architecture", TESTS_ONLY));

    /**
     * The only adapters that use another adapter, each with why. Everything else that two adapters share
     * belongs in core (a port or a helper) — or the two are one adapter.
     */
    static final List<AllowedUse> ADAPTER_USES = aliyunAdapters(
            "shared/alidns", "shared/cas", "shared/cdn", "shared/esa", "shared/fc", "shared/mns", "shared/oss");

    /** One module that may use another module of its own layer, and why. */
    record AllowedUse(Module from, Module to, String reason) {}

    private static List<AllowedUse> aliyunAdapters(String... dirs) {
        return Arrays.stream(dirs)
                .map(dir -> new AllowedUse(byDir(dir), byDir("shared/aliyun"),
                        "shared/aliyun is the Aliyun adapters' common piece: credentials from the FC invocation,"
                                + " the signed RPC and ROA clients, API errors and the RAM actions each declares"))
                .toList();
    }

    static Module byDir(String dir) {
        return find(dir).orElseThrow(() -> new IllegalArgumentException("no module " + dir + " in Modules.ALL"));
    }

    static Optional<Module> find(String dir) {
        return ALL.stream().filter(m -> m.dir().equals(dir)).findFirst();
    }

    /** The module owning a package: the one with the longest of its packages that is the package or a parent. */
    static Optional<Module> ownerOf(String packageName) {
        return ALL.stream()
                .flatMap(m -> m.packages().stream()
                        .filter(p -> packageName.equals(p) || packageName.startsWith(p + "."))
                        .map(p -> new Owned(p, m)))
                .max(Comparator.comparingInt(owned -> owned.prefix.length()))
                .map(owned -> owned.module);
    }

    private record Owned(String prefix, Module module) {}

    private static Module module(String dir, Layer layer, String... packages) {
        return new Module(dir, layer, List.of(packages));
    }

    private Modules() {}
}
