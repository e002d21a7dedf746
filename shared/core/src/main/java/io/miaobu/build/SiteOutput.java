package io.miaobu.build;

import io.miaobu.build.detect.DirectorySourceTree;
import io.miaobu.build.detect.FrameworkCatalog;
import io.miaobu.build.detect.FrameworkDetector;
import io.miaobu.build.detect.MonorepoApps;
import io.miaobu.build.detect.PythonApps;
import io.miaobu.dynamic.FunctionBuild;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.edge.RouteConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What a finished build publishes: the files of its output directory (a Python app's static folders, never its
 * source), and how the edge routes them — miaobu.json and _redirects/_headers rules, a 404 rather than the home
 * page for a framework with a page per route, and the functions' routes.
 */
final class SiteOutput {
    /** @param outputDirectory as the log names it (empty when an app answers every path) */
    record Site(String outputDirectory, List<OutputFiles.OutputFile> files, RouteConfig config) {}

    private SiteOutput() {}

    /** @param cached the build cache's paths, which are never published */
    static Site collect(Path repo, Path root, BuildPlan plan, PythonApps.PythonApp app, FunctionManifest functions, Set<Path> cached,
                        Builder.Limits limits, BuildOutput log) throws BuildFailure, IOException {
        String outputDirectory = app != null ? staticFolders(app) : plan.resolveOutputDirectory(root);
        if (app == null && repo.relativize(root).toString().isEmpty() && !Files.isDirectory(root.resolve(outputDirectory))) {
            List<String> apps = MonorepoApps.find(new DirectorySourceTree(repo));
            if (!apps.isEmpty()) {
                throw new BuildFailure("Output directory `" + outputDirectory + "` not found after the build: this repository is a "
                        + "monorepo, with " + String.join(", ", apps) + ". Set rootDirectory to the app to deploy (for example "
                        + apps.get(0).replaceAll(" \\(.*", "") + ") and deploy again.");
            }
        }
        List<OutputFiles.OutputFile> files = app != null
                ? OutputFiles.collectStaticDirs(repo, root, app.staticDirs(), limits.maxFiles(), limits.maxBytes())
                : OutputFiles.collect(repo, root, outputDirectory, limits.maxFiles(), limits.maxBytes(), cached);
        RouteConfig config = BuildRules.compile(files, root, log);
        FrameworkCatalog.Framework framework = plan.detection().framework();
        if (config.spa() == null && framework != null && !FrameworkDetector.singlePage(framework, new DirectorySourceTree(root))) {
            config = new RouteConfig(false, config.cleanUrls(), config.trailingSlash(), config.notFound(), config.redirects(), config.headers());
            log.system("Unknown paths get a 404, not the home page: a " + framework.name() + " site has a page per route "
                    + "(\"spa\": true in miaobu.json serves index.html for them instead).");
        }
        config = FunctionBuild.routes(config, functions);
        files = BuildRules.siteFiles(files);
        return new Site(outputDirectory, files, config);
    }

    /** The app's static folders, as {@code static`, `public} for a log line's backquotes; empty without any. */
    static String staticFolders(PythonApps.PythonApp app) {
        return String.join("`, `", app.staticDirs().stream().map(PythonApps.StaticDir::folder).toList());
    }
}
