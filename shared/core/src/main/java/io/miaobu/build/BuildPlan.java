package io.miaobu.build;

import io.miaobu.build.detect.Detection;
import io.miaobu.build.detect.DirectorySourceTree;
import io.miaobu.build.detect.FrameworkDetector;
import io.miaobu.projects.Project;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a build runs: the project's own settings where set, otherwise what the framework catalog
 * detected (DESIGN §6). User overrides always win; a project detected as not publishable as a
 * static site fails with the detector's reason unless the user set a build command or output
 * directory of their own.
 *
 * @param installDirectory where the install runs, relative to the repository: the workspace root of a
 *                         monorepo for a detected install, the root directory for the user's own command
 */
public record BuildPlan(Detection detection, String installCommand, String installDirectory, String buildCommand,
                        String outputDirectory, String source) {
    private static final String[] OUTPUT_CANDIDATES = {"dist", "build", "out", "public"};

    public static BuildPlan forProject(Project project, Path repo) throws BuildFailure {
        Detection detected = FrameworkDetector.standard().detect(new DirectorySourceTree(repo), project.rootDirectory());
        boolean ownBuild = project.buildCommand() != null || project.outputDirectory() != null;
        if (!detected.supported() && !ownBuild) {
            throw new BuildFailure(detected.reason());
        }
        String installDirectory = project.installCommand() != null ? detected.rootDirectory() : detected.installDirectory();
        return new BuildPlan(detected,
                project.installCommand() != null ? project.installCommand() : detected.installCommand(),
                installDirectory,
                project.buildCommand() != null ? project.buildCommand() : detected.buildCommand(),
                project.outputDirectory() != null ? project.outputDirectory() : detected.outputDirectory(),
                detected.reason());
    }

    /** The output directory to publish; when not configured or detected, the first of dist, build, out, public the build produced. */
    public String resolveOutputDirectory(Path root) {
        if (outputDirectory != null) {
            return outputDirectory;
        }
        for (String candidate : OUTPUT_CANDIDATES) {
            if (Files.isDirectory(root.resolve(candidate))) {
                return candidate;
            }
        }
        return "dist";
    }
}
