package io.miaobu.build;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.http.Json;
import io.miaobu.projects.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a build runs: the project's own settings where set, otherwise a minimal detection —
 * a package.json {@code build} script runs through npm and publishes {@code dist} or {@code build};
 * a repository without one is published as it is. (The framework catalog replaces the detection.)
 */
public record BuildPlan(String installCommand, String buildCommand, String outputDirectory, String source) {

    public static BuildPlan forProject(Project project, Path root) throws BuildFailure {
        BuildPlan detected = detect(root);
        return new BuildPlan(
                project.installCommand() != null ? project.installCommand() : detected.installCommand(),
                project.buildCommand() != null ? project.buildCommand() : detected.buildCommand(),
                project.outputDirectory() != null ? project.outputDirectory() : detected.outputDirectory(),
                detected.source());
    }

    static BuildPlan detect(Path root) throws BuildFailure {
        Path packageJson = root.resolve("package.json");
        if (!Files.isRegularFile(packageJson)) {
            return new BuildPlan(null, null, ".", "no package.json: publishing the files as they are");
        }
        JsonNode pkg;
        try {
            pkg = Json.MAPPER.readTree(packageJson.toFile());
        } catch (IOException e) {
            throw new BuildFailure("package.json is not valid JSON: " + e.getMessage().lines().findFirst().orElse("")
                    + ". Fix package.json and push again.");
        }
        boolean hasBuild = pkg != null && pkg.path("scripts").hasNonNull("build");
        if (!hasBuild) {
            return new BuildPlan(null, null, ".", "package.json has no build script: publishing the files as they are");
        }
        String install = Files.exists(root.resolve("package-lock.json")) || Files.exists(root.resolve("npm-shrinkwrap.json"))
                ? "npm ci" : "npm install";
        return new BuildPlan(install, "npm run build", null, "package.json build script");
    }

    /** The output directory to publish; when not configured or detected, the first of dist, build, out that the build produced. */
    public String resolveOutputDirectory(Path root) {
        if (outputDirectory != null) {
            return outputDirectory;
        }
        for (String candidate : new String[] {"dist", "build", "out"}) {
            if (Files.isDirectory(root.resolve(candidate))) {
                return candidate;
            }
        }
        return "dist";
    }
}
