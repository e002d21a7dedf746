package io.miaobu.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.miaobu.build.detect.Detection;
import io.miaobu.build.detect.PythonApps;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What detection found in a repository (also what {@code ./miaobu detect} prints).
 *
 * @param framework        the catalog id (vite, nextjs), or null when none matched
 * @param reason           why it cannot be built, when not supported
 * @param rootDirectory    null for the repository's root
 * @param installDirectory where the install runs when not in the root directory (a monorepo's workspace root)
 * @param app              the Python web app the project is; left out for a static site
 */
@ApiSchema("Detection")
public record DetectionView(
        @Nullable String framework,
        @Nullable String frameworkName,
        @Nullable String packageManager,
        @Nullable String installCommand,
        @Nullable String buildCommand,
        @Nullable String outputDirectory,
        boolean supported,
        @Nullable String reason,
        @Nullable String rootDirectory,
        @Nullable String installDirectory,
        @Nullable String nodeVersion,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable App app) {

    /**
     * @param entry      {@code module:object}; null when the start command runs the app
     * @param staticDirs URL prefixes served from the published static files
     */
    public record App(String runtime, @Nullable String entry, @Nullable String protocol, @Nullable String startCommand,
                      List<String> staticDirs, @Nullable String pythonVersion) {}

    public static DetectionView of(Detection d) {
        String root = d.rootDirectory();
        String install = d.installDirectory();
        PythonApps.PythonApp app = d.app();
        return new DetectionView(
                d.framework() == null ? null : d.framework().id(),
                d.framework() == null ? null : d.framework().name(),
                d.packageManager() == null ? null : d.packageManager().displayName(),
                d.installCommand(),
                d.buildCommand(),
                d.outputDirectory(),
                d.supported(),
                d.reason(),
                root.isEmpty() ? null : root,
                install.equals(root) ? null : (install.isEmpty() ? "." : install),
                d.nodeVersion(),
                app == null ? null : new App("python", app.entry(), app.protocol(), app.startCommand(),
                        app.staticPrefixes(), app.pythonVersion()));
    }
}
