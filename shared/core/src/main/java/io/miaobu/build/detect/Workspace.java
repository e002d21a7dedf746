package io.miaobu.build.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where a project's dependencies are installed and with which package manager: the nearest
 * directory from the project's root directory up to the repository root holding a lockfile (a
 * monorepo installs its workspaces from there), else the nearest workspace root, else the project.
 *
 * @param rootDirectory the project's own directory
 * @param directory where the install runs
 * @param lockfile the lockfile found there (relative to the repository), or null
 * @param evidence what the package manager was recognized by, for the log
 */
record Workspace(String rootDirectory, String directory, String lockfile, PackageManager packageManager, String evidence) {

    List<String> lockfiles() {
        return lockfile == null ? List.of() : List.of(lockfile);
    }

    static Workspace find(SourceTree repo, String rootDir, JsonNode rootPackage) {
        String declared = null;
        String declaredIn = null;
        String lockDir = null;
        String lockfile = null;
        PackageManager byLock = null;
        String workspaceRoot = null;
        for (String dir = rootDir; dir != null; dir = TreePaths.parent(dir)) {
            JsonNode pkg = dir.equals(rootDir) ? rootPackage : read(repo, TreePaths.join(dir, "package.json"));
            if (declared == null && pkg != null && pkg.path("packageManager").isTextual()) {
                declared = pkg.path("packageManager").asText();
                declaredIn = TreePaths.join(dir, "package.json");
            }
            if (workspaceRoot == null && !dir.equals(rootDir) && (repo.isFile(TreePaths.join(dir, "pnpm-workspace.yaml"))
                    || (pkg != null && pkg.has("workspaces")))) {
                workspaceRoot = dir;
            }
            if (lockfile == null) {
                for (PackageManager pm : List.of(PackageManager.PNPM, PackageManager.YARN, PackageManager.BUN, PackageManager.NPM)) {
                    for (String name : pm.lockfiles()) {
                        if (lockfile == null && repo.isFile(TreePaths.join(dir, name))) {
                            lockfile = TreePaths.join(dir, name);
                            lockDir = dir;
                            byLock = pm;
                        }
                    }
                }
                if (lockfile != null) {
                    break;
                }
            }
        }
        String installDir = lockDir != null ? lockDir : (workspaceRoot != null ? workspaceRoot : rootDir);
        PackageManager pm;
        String evidence;
        Optional<PackageManager> fromField = fromPackageManagerField(declared);
        if (fromField.isPresent()) {
            pm = fromField.get();
            evidence = "\"packageManager\": \"" + declared + "\" in " + declaredIn;
        } else if (byLock != null) {
            pm = byLock;
            evidence = lockfile;
        } else if (repo.isFile(TreePaths.join(installDir, "pnpm-workspace.yaml"))) {
            pm = PackageManager.PNPM;
            evidence = TreePaths.join(installDir, "pnpm-workspace.yaml");
        } else {
            pm = PackageManager.NPM;
            evidence = "no lockfile";
        }
        if (pm == PackageManager.YARN && isBerry(repo, installDir, lockfile, declared)) {
            pm = PackageManager.YARN_BERRY;
        }
        return new Workspace(rootDir, installDir, lockfile, pm, evidence);
    }

    /** {@code "pnpm@9.1.0"} -> PNPM; yarn 2 and newer is berry. */
    static Optional<PackageManager> fromPackageManagerField(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String name = value.contains("@") ? value.substring(0, value.indexOf('@')) : value;
        String version = value.contains("@") ? value.substring(value.indexOf('@') + 1) : "";
        return switch (name.strip()) {
            case "npm" -> Optional.of(PackageManager.NPM);
            case "pnpm" -> Optional.of(PackageManager.PNPM);
            case "bun" -> Optional.of(PackageManager.BUN);
            case "yarn" -> Optional.of(version.startsWith("1.") || version.isEmpty() ? PackageManager.YARN : PackageManager.YARN_BERRY);
            default -> Optional.empty();
        };
    }

    private static boolean isBerry(SourceTree repo, String installDir, String lockfile, String declared) {
        if (declared != null && declared.startsWith("yarn@") && !declared.startsWith("yarn@1.")) {
            return true;
        }
        if (repo.isFile(TreePaths.join(installDir, ".yarnrc.yml"))) {
            return true;
        }
        return lockfile != null && lockfile.endsWith("yarn.lock")
                && repo.read(lockfile).map(t -> t.contains("__metadata:")).orElse(false);
    }

    private static JsonNode read(SourceTree repo, String path) {
        try {
            Optional<String> text = repo.read(path);
            return text.isEmpty() ? null : Json.MAPPER.readTree(text.get());
        } catch (IOException e) {
            return null;
        }
    }
}
