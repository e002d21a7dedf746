package io.miaobu.dynamic;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import io.miaobu.edge.RouteConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A build's function step: every runtime's bundler packages what it finds into one bundle, whose merged
 * manifest the build writes and compiles into the routes the edge proxies. A static site passes through
 * untouched (no bundle, no routes).
 */
public final class FunctionBuild {
    private final List<FunctionBundler> bundlers;
    private final boolean hostRunsFunctions;

    /** @param hostRunsFunctions false when this installation has no {@link FunctionHost}: a build with functions fails early */
    public FunctionBuild(List<FunctionBundler> bundlers, boolean hostRunsFunctions) {
        this.bundlers = List.copyOf(bundlers);
        this.hostRunsFunctions = hostRunsFunctions;
    }

    /** Runs every bundler into {@code request.bundleDir()}; returns the merged manifest (written there when not empty). */
    public FunctionManifest bundle(FunctionBundler.Request request) throws IOException, BuildFailure, BuildCanceled {
        if (bundlers.isEmpty()) {
            return FunctionManifest.EMPTY;
        }
        Files.createDirectories(request.bundleDir());
        request.sandbox().prepare(request.bundleDir());
        FunctionManifest all = FunctionManifest.EMPTY;
        for (FunctionBundler bundler : bundlers) {
            if (request.canceled().getAsBoolean()) {
                throw new BuildCanceled();
            }
            try {
                all = all.plus(bundler.bundle(request));
            } catch (IllegalArgumentException e) {
                throw new BuildFailure("This project has more than one web app (a Node.js and a Python one?): "
                        + "Miaobu serves one app per deployment. Keep one, or move the other to its own project.");
            }
        }
        if (all.isEmpty()) {
            return all;
        }
        // api/hello.js and api/hello.py: each runtime saw only its own file.
        FunctionSources.failOnSharedRoutes(all.functions().stream()
                .map(f -> new FunctionSources.Source(f.name(), f.route(), f.source())).toList());
        if (!hostRunsFunctions) {
            throw new BuildFailure("This project has " + describe(all) + ", but this installation of Miaobu runs no "
                    + "functions (its operator has not set up Function Compute). Deploy it as a static site without "
                    + "api/, or ask the operator.");
        }
        all.write(request.bundleDir());
        request.log().system("Functions: " + describe(all));
        return all;
    }

    /** {@code config} with the routes of {@code manifest} for the edge (unchanged for a static site). */
    public static RouteConfig routes(RouteConfig config, FunctionManifest manifest) {
        if (manifest.isEmpty()) {
            return config;
        }
        List<RouteConfig.FunctionRoute> routes = manifest.functions().stream()
                .map(f -> new RouteConfig.FunctionRoute(f.route(), f.name(), f.runtime())).toList();
        FunctionManifest.App app = manifest.app();
        return config.withFunctions(routes, app == null ? null : new RouteConfig.AppRoute(app.runtime(), app.staticDirs()));
    }

    private static String describe(FunctionManifest manifest) {
        StringBuilder text = new StringBuilder();
        if (!manifest.functions().isEmpty()) {
            text.append(manifest.functions().size()).append(manifest.functions().size() == 1 ? " function (" : " functions (")
                    .append(manifest.functions().stream().map(f -> f.route() + " " + f.runtime())
                            .collect(Collectors.joining(", "))).append(')');
        }
        if (manifest.app() != null) {
            text.append(text.isEmpty() ? "" : " and ").append("a ").append(manifest.app().runtime()).append(" web app (")
                    .append(manifest.app().entry()).append(manifest.app().staticDirs().isEmpty() ? ""
                            : ", static files under " + String.join(", ", manifest.app().staticDirs())).append(')');
        }
        return text.toString();
    }
}
