package io.miaobu.build.detect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What detection found for one project directory. Directories are relative to the repository
 * root ("" is the root); {@code outputDirectory} is relative to {@code rootDirectory}, and null
 * means "the first of dist, build, out, public that the build writes".
 *
 * @param installDirectory where the install runs: the workspace root of a monorepo, else the root directory
 * @param lockfiles lockfiles found (relative to the repository), hashed into the build cache key
 * @param homeCaches directories under HOME saved with the build cache
 * @param projectCaches directories relative to the repository saved with the build cache
 * @param projectRegistry the file of the project's own that names a registry, or null
 * @param app the Python web app the project is, or null for a static site
 */
public record Detection(String rootDirectory, FrameworkCatalog.Framework framework, PackageManager packageManager,
                        String installDirectory, String installCommand, String buildCommand, String outputDirectory,
                        boolean supported, String reason, String nodeVersion, List<String> lockfiles,
                        List<String> homeCaches, List<String> projectCaches, String projectRegistry,
                        PythonApps.PythonApp app) {

    /** The JSON shape of {@code ./miaobu detect} and {@code POST /api/v1/detect} (DESIGN §10). */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("framework", framework == null ? null : framework.id());
        view.put("frameworkName", framework == null ? null : framework.name());
        view.put("packageManager", packageManager == null ? null : packageManager.displayName());
        view.put("installCommand", installCommand);
        view.put("buildCommand", buildCommand);
        view.put("outputDirectory", outputDirectory);
        view.put("supported", supported);
        view.put("reason", reason);
        view.put("rootDirectory", rootDirectory.isEmpty() ? null : rootDirectory);
        view.put("installDirectory", installDirectory.equals(rootDirectory) ? null : (installDirectory.isEmpty() ? "." : installDirectory));
        view.put("nodeVersion", nodeVersion);
        if (app != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("runtime", "python");
            a.put("entry", app.entry());
            a.put("protocol", app.protocol());
            a.put("startCommand", app.startCommand());
            a.put("staticDirs", app.staticPrefixes());
            a.put("pythonVersion", app.pythonVersion());
            view.put("app", a);
        }
        return view;
    }
}
