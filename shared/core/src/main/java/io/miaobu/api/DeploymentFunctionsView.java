package io.miaobu.api;

import io.miaobu.dynamic.FunctionManifest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A deployment's functions as its build found them, and the web app answering every other path; never
 * where they run.
 */
@ApiSchema("DeploymentFunctions")
public record DeploymentFunctionsView(List<Function> functions, @Nullable App app) {

    /** @param source the file it was built from, relative to the project's root directory */
    public record Function(String name, String route, String runtime, String source) {}

    /** @param startCommand the project's own start command, or null for Miaobu's server */
    public record App(String runtime, String entry, String protocol, @Nullable String startCommand,
                      List<String> staticDirs, @Nullable String pythonVersion) {}

    /** @param manifest null for a deployment built before functions were recorded */
    public static DeploymentFunctionsView of(@Nullable FunctionManifest manifest) {
        FunctionManifest m = manifest == null ? FunctionManifest.EMPTY : manifest;
        FunctionManifest.App app = m.app();
        return new DeploymentFunctionsView(
                m.functions().stream().map(f -> new Function(f.name(), f.route(), f.runtime(), f.source())).toList(),
                app == null ? null : new App(app.runtime(), app.entry(), app.protocol(), app.startCommand(),
                        app.staticDirs(), app.pythonVersion()));
    }
}
