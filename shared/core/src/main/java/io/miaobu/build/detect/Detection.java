package io.miaobu.build.detect;

import java.util.List;

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
                        PythonApps.PythonApp app) {}
