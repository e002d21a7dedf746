package io.miaobu.build;

import io.miaobu.build.detect.Detection;
import io.miaobu.build.detect.PackageManager;
import io.miaobu.deploy.Deployment;
import io.miaobu.projects.Project;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What a later build may reuse of an install: the build cache's key, and when the install can be skipped. */
final class InstallReuse {
    private InstallReuse() {}

    /**
     * {@code npm ci} only ever recreates node_modules from the lockfile; with node_modules restored from a
     * build of this exact key (lockfile, Node.js, install command, build user, install settings) it is skipped,
     * unless the project's own package.json runs scripts on install (their effects may lie outside node_modules).
     * Other package managers run: with node_modules in place they finish in about a second.
     */
    static boolean skipsCleanInstall(BuildPlan plan, Project project, Path repo) {
        Detection d = plan.detection();
        String installDir = d.installDirectory();
        if (project.installCommand() != null || d.packageManager() != PackageManager.NPM
                || d.lockfiles().isEmpty() || !d.projectCaches().contains(installDir.isEmpty() ? "node_modules" : installDir + "/node_modules")) {
            return false;
        }
        for (String dir : new java.util.LinkedHashSet<>(List.of(installDir, d.rootDirectory()))) {
            try {
                var scripts = io.miaobu.json.Json.MAPPER.readTree(repo.resolve(dir).resolve("package.json").toFile()).path("scripts");
                for (String hook : List.of("preinstall", "install", "postinstall", "prepare")) {
                    if (scripts.has(hook)) {
                        return false;
                    }
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** The cache key: lockfiles (else package.json files), the actual Node.js version, the install command, the cached paths. */
    static BuildCache.Key cacheKey(Project project, Deployment deployment, BuildPlan plan, Path repo, BuildSandbox sandbox,
                                    Map<String, String> env, Map<String, String> projectVariables, BooleanSupplier canceled)
            throws IOException, BuildCanceled {
        StringBuilder version = new StringBuilder();
        try {
            sandbox.run("node --version", repo, env, Duration.ofSeconds(30), (stream, text) -> {
                if (stream.equals("stdout")) {
                    version.append(text.strip());
                }
            }, canceled);
        } catch (BuildFailure e) {
            version.append("unknown");
        }
        Detection d = plan.detection();
        List<String> keyFiles = !d.lockfiles().isEmpty() ? d.lockfiles()
                : List.of(repo.relativize(repo.resolve(plan.installDirectory()).resolve("package.json")).toString());
        List<String> paths = new ArrayList<>();
        d.homeCaches().forEach(p -> paths.add("home/" + p));
        d.projectCaches().forEach(p -> paths.add("repo/" + p));
        String scope = Deployment.PRODUCTION.equals(deployment.target()) ? "production" : "preview-" + deployment.branch();
        // Variables that change what an install produces, and who owns the files.
        StringBuilder salt = new StringBuilder(sandbox.cacheIdentity());
        projectVariables.entrySet().stream()
                .filter(e -> e.getKey().matches("(?i)(npm_config_.*|NODE_ENV|NODE_OPTIONS|YARN_.*|PNPM_.*|BUN_.*|.*_REGISTRY.*)"))
                .sorted(Map.Entry.comparingByKey()).forEach(e -> salt.append('\0').append(e.getKey()).append('=').append(e.getValue()));
        salt.append("\0registry ").append(env.getOrDefault("npm_config_registry", ""));
        return BuildCache.key(project.id(), scope, repo, keyFiles, version.toString(), plan.installCommand(), paths, salt.toString());
    }
}
