package io.miaobu.build;

import io.miaobu.deploy.Deployment;
import io.miaobu.edge.Hosts;
import io.miaobu.projects.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What a build's commands see of the world: the environment Miaobu gives them, and nothing it inherits. */
final class BuildEnvironment {
    private static final Path SYSTEM_CERTIFICATES = Path.of("/etc/ssl/certs/ca-certificates.crt");

    private final Builder.Tools tools;
    private final Hosts hosts;

    BuildEnvironment(Builder.Tools tools, Hosts hosts) {
        this.tools = tools;
        this.hosts = hosts;
    }

    /**
     * The only environment user code sees (DESIGN §6): PATH, a private HOME, CI=true, the documented
     * MIAOBU_* build variables and the project's variables for this target; no platform setting or
     * credential is inherited. The operator's registry mirror is added unless the project names its own.
     */
    Map<String, String> create(Path workspace, BuildSandbox sandbox, Deployment deployment, Project project,
                                                 SourceFetcher.FetchedSource source, Map<String, String> projectVariables,
                                                 BuildPlan plan, BuildOutput log) throws IOException {
        Path home = Files.createDirectories(workspace.resolve("home"));
        sandbox.prepare(home);
        String nodeRequest = projectVariables.getOrDefault("NODE_VERSION", plan.detection().nodeVersion());
        Optional<Path> nodeBin = new NodeVersions(tools.nodeVersions()).select(nodeRequest);
        Map<String, String> env = new LinkedHashMap<>();
        env.putAll(projectVariables);
        String path = nodeBin.map(bin -> bin + ":" + tools.path()).orElse(tools.path());
        Optional<Path> corepack = plan.installCommand() == null ? Optional.empty()
                : Corepack.shims(plan.detection().packageManager(), home, path);
        env.put("PATH", corepack.map(bin -> bin + ":" + path).orElse(path));
        env.put("HOME", home.toString());
        env.put("CI", "true");
        env.put("LANG", "C.UTF-8");
        // Quieter, faster npm: no audit report, funding notice or update check in every build.
        env.put("npm_config_audit", "false");
        env.put("npm_config_fund", "false");
        env.put("npm_config_update_notifier", "false");
        env.put("COREPACK_ENABLE_DOWNLOAD_PROMPT", "0"); // corepack fetches the packageManager version without asking
        // Node.js trusts only its own bundled authorities; curl, git and npm in the build trust the system's. With
        // them, corepack and a build script's fetch() work where the system adds an authority (a company's proxy).
        if (Files.isRegularFile(SYSTEM_CERTIFICATES)) {
            env.putIfAbsent("NODE_EXTRA_CA_CERTS", SYSTEM_CERTIFICATES.toString());
        }
        env.put("MIAOBU", "1");
        env.put("MIAOBU_DEPLOYMENT_ID", deployment.id());
        env.put("MIAOBU_DEPLOYMENT_URL", hosts.url(hosts.deployment(deployment.id(), project.slug())));
        env.put("MIAOBU_GIT_BRANCH", deployment.branch());
        env.put("MIAOBU_GIT_COMMIT_SHA", source.commitSha());
        env.put("MIAOBU_TARGET", deployment.target());
        if (nodeRequest != null) {
            log.system("Node.js " + nodeRequest + " requested: " + nodeBin.map(b -> "using " + b.getParent())
                    .orElse("using the default Node.js (no matching version is installed side by side)"));
        }
        if (plan.installCommand() != null && plan.detection().packageManager() != null) {
            if (plan.detection().projectRegistry() != null) {
                log.system("Installing from the registry named in " + plan.detection().projectRegistry() + ".");
            } else if (tools.npmRegistry() != null) {
                env.putAll(plan.detection().packageManager().registryEnvironment(tools.npmRegistry()));
                log.system("Installing from " + tools.npmRegistry() + " (MIAOBU_NPM_REGISTRY).");
            } else {
                log.system("Installing from the package manager's default registry.");
            }
        }
        if (tools.pipIndexUrl() != null) {
            env.putIfAbsent("PIP_INDEX_URL", tools.pipIndexUrl()); // Python dependencies (PythonBundler): the project's own wins
        }
        if (corepack.isPresent()) {
            env.putIfAbsent("COREPACK_NPM_REGISTRY", env.getOrDefault("npm_config_registry", Corepack.DEFAULT_REGISTRY));
            // Without "packageManager", corepack's own pinned version rather than whatever was released last
            // (pnpm 12 fails installs whose dependencies have build scripts nobody approved).
            env.putIfAbsent("COREPACK_DEFAULT_TO_LATEST", "0");
            log.system(plan.detection().packageManager().command() + " through corepack: the version \"packageManager\" in package.json "
                    + "names, else the one corepack pins, downloaded from " + env.get("COREPACK_NPM_REGISTRY") + ".");
        }
        if (!sandbox.describe().isEmpty()) {
            log.system("Sandbox: commands run " + sandbox.describe() + ", with a clean environment.");
        }
        return env;
    }
}
