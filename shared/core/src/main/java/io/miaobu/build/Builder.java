package io.miaobu.build;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.deploy.ContentStore;
import io.miaobu.deploy.Release;
import io.miaobu.build.detect.Detection;
import io.miaobu.build.detect.DirectorySourceTree;
import io.miaobu.build.detect.FrameworkCatalog;
import io.miaobu.build.detect.FrameworkDetector;
import io.miaobu.build.detect.MonorepoApps;
import io.miaobu.build.detect.PackageManager;
import io.miaobu.build.detect.PythonApps;
import io.miaobu.deploy.Publisher;
import io.miaobu.edge.Hosts;
import io.miaobu.edge.RouteConfig;
import io.miaobu.dynamic.FunctionBuild;
import io.miaobu.dynamic.FunctionBundler;
import io.miaobu.dynamic.FunctionBundlers;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import io.miaobu.store.ArtifactStore;
import io.miaobu.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one deployment: claim -> clone -> install + build -> validate output -> upload -> READY,
 * and goes live when it is the production branch and auto-publish is on. Every step's failure
 * ends FAILED with a message the user can act on; nothing here can change the live site unless
 * the whole build succeeded.
 */
public final class Builder {
    private static final Logger LOG = LoggerFactory.getLogger(Builder.class);
    private static final int UPLOAD_THREADS = 8;
    private static final Path SYSTEM_CERTIFICATES = Path.of("/etc/ssl/certs/ca-certificates.crt");

    /**
     * @param maxLogBytes characters of build output kept in the log
     * @param maxCacheBytes total size of a project's build cache archives
     */
    public record Limits(Duration timeout, int maxFiles, long maxBytes, long maxLogBytes, long maxCacheBytes) {}

    /**
     * The build machine's tools.
     *
     * @param path PATH for user commands
     * @param npmRegistry the operator's registry mirror for installs (MIAOBU_NPM_REGISTRY), or null
     * @param nodeVersions directory of Node.js versions installed side by side (MIAOBU_NODE_VERSIONS_DIR), or null
     * @param cache whether builds use the build cache at all (MIAOBU_BUILD_CACHE=off turns it off)
     * @param cacheDirectory where the build cache lives on this builder's own disk (local mode), or null to
     *                       keep it as archives in the ArtifactStore
     * @param pipIndexUrl the operator's Python package index (MIAOBU_PIP_INDEX_URL), or null for pip's default
     */
    public record Tools(String path, String npmRegistry, Path nodeVersions, boolean cache, Path cacheDirectory, String pipIndexUrl) {}

    /** A project's environment variables for a build of one target, in plaintext. */
    @FunctionalInterface
    public interface Variables {
        Map<String, String> forBuild(String projectId, String target);
    }

    private final DeploymentStore deployments;
    private final ProjectStore projects;
    private final Database database;
    private final Hosts hosts;
    private final SourceFetcher fetcher;
    private final CommandRunner runner;
    private final Path workRoot;
    private final Limits limits;
    private final Tools tools;
    private final Variables variables;
    private final BuildCache cache;
    private final Clock clock;
    private final ContentStore content;
    private final Release release;
    private final FunctionBuild functionBuild;
    private volatile BuildIntegration integration = BuildIntegration.NONE;

    public Builder(Database database, ArtifactStore artifacts, Publisher publisher, Hosts hosts, SourceFetcher fetcher,
                   CommandRunner runner, Path workRoot, Limits limits, Tools tools, Variables variables, Clock clock)
            throws IOException {
        this(database, artifacts, publisher, hosts, fetcher, runner, workRoot, limits, tools, variables, FunctionHost.NONE, clock);
    }

    /** @param functionHost runs the deployments' functions ({@link FunctionHost#NONE}: a build with functions fails) */
    public Builder(Database database, ArtifactStore artifacts, Publisher publisher, Hosts hosts, SourceFetcher fetcher,
                   CommandRunner runner, Path workRoot, Limits limits, Tools tools, Variables variables,
                   FunctionHost functionHost, Clock clock) throws IOException {
        this.database = database;
        this.deployments = database.deployments();
        this.projects = database.projects();
        this.hosts = hosts;
        this.fetcher = fetcher;
        this.runner = runner;
        this.workRoot = runner.workspaceRoot(workRoot);
        this.limits = limits;
        this.tools = tools;
        this.variables = variables;
        this.cache = tools.cacheDirectory() != null
                ? new DirectoryBuildCache(tools.cacheDirectory(), limits.maxCacheBytes(), clock)
                : new ArchiveBuildCache(artifacts, limits.maxCacheBytes(), limits.timeout(), clock);
        this.clock = clock;
        this.content = new ContentStore(artifacts, database.files(), clock);
        this.release = new Release(database, artifacts, content, publisher, functionHost, variables, clock);
        this.functionBuild = new FunctionBuild(FunctionBundlers.all(functionHost), functionHost != FunctionHost.NONE);
    }

    /** Where this builder makes its builds' workspaces ({@code {root}/{deploymentId}}). */
    public Path workspaceRoot() {
        return workRoot;
    }

    /** Adds an integration (set once, before the first build). */
    public Builder withIntegration(BuildIntegration integration) {
        this.integration = integration;
        return this;
    }

    /** Builds the deployment if it is still QUEUED; returns its final status (or its current one if someone else has it). */
    public DeploymentStatus build(String deploymentId) {
        Optional<Deployment> found = deployments.findById(deploymentId);
        if (found.isEmpty()) {
            return DeploymentStatus.CANCELED; // project deleted before the job ran
        }
        if (!deployments.transition(deploymentId, EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.BUILDING, clock.instant())) {
            return deployments.findById(deploymentId).map(Deployment::status).orElse(DeploymentStatus.CANCELED);
        }
        Deployment deployment = deployments.findById(deploymentId).orElseThrow();
        Path workspace = workRoot.resolve(deploymentId);
        try (BuildLogWriter log = new BuildLogWriter(deploymentId, database.logs(), clock, limits.maxLogBytes())) {
            BuildSandbox sandbox;
            try {
                sandbox = runner.open(workspace);
            } catch (IOException | RuntimeException e) {
                LOG.error("could not open the sandbox of build {}", deploymentId, e);
                DeploymentStatus result = fail(deployment, log, "The build could not start (" + e.getMessage() + "); try again.");
                integration.finished(deploymentId);
                return result;
            }
            DeploymentStatus result;
            // Closed before the workspace goes: every process of the build is dead by then (DESIGN §6).
            try (sandbox) {
                result = run(deployment, workspace, sandbox, log);
            }
            log.flush();
            integration.finished(deploymentId);
            return result;
        } finally {
            if (!FileTrees.delete(workspace)) {
                LOG.warn("could not remove build workspace {}", workspace);
            }
        }
    }

    private DeploymentStatus run(Deployment deployment, Path workspace, BuildSandbox sandbox, BuildLogWriter log) {
        BooleanSupplier canceled = cancellationCheck(deployment.id());
        long started = System.nanoTime();
        // Read when the build fails: what its install left is worth keeping once the install succeeded.
        BuildCache.Key cacheKey = null;
        Map<String, String> env = Map.of();
        boolean installDone = false;
        try {
            Project project = projects.findById(deployment.projectId())
                    .orElseThrow(() -> new BuildFailure("The project was deleted."));
            log.system("Building " + project.name() + " (" + deployment.target() + ", branch " + deployment.branch() + ")");
            Files.createDirectories(workspace);
            Path repo = workspace.resolve("repo");
            var source = fetcher.fetch(project.gitUrl(), integration.credentials(project), deployment.branch(),
                    deployment.requestedCommit(), repo, log);
            deployments.recordCommit(deployment.id(), source.commitSha(), source.commitMessage(), source.author());
            integration.started(project, deployment.id());

            Path root = RepositoryPaths.rootDirectory(repo, project.rootDirectory());
            BuildPlan plan = BuildPlan.forProject(project, repo);
            // A Python web app publishes only its static folders (never its source): the app answers everything else.
            PythonApps.PythonApp app = project.outputDirectory() == null ? plan.detection().app() : null;
            log.system("Build settings: " + describe(plan, app));
            Map<String, String> projectVariables = variables.forBuild(project.id(), deployment.target());
            BuildOutput userOutput = new SecretMasker(log, projectVariables.values());
            sandbox.prepare(workspace);
            env = buildEnvironment(workspace, sandbox, deployment, project, source, projectVariables, plan, log);
            Path installRoot = repo.resolve(plan.installDirectory()).normalize();
            boolean installed = false;
            if (plan.installCommand() != null && tools.cache()) {
                cacheKey = cacheKey(project, deployment, plan, repo, sandbox, env, projectVariables, canceled);
                if (cacheKey.paths().isEmpty()) {
                    cacheKey = null; // nothing this install keeps between builds (a non-Node project)
                } else if (cache.restore(cacheKey, workspace, sandbox, env, log, canceled)) {
                    env.put("npm_config_prefer_offline", "true");
                    installed = skipsCleanInstall(plan, project, repo);
                }
            }
            if (installed) {
                log.system("Install: `" + plan.installCommand() + "` skipped: node_modules was restored from a build with this exact "
                        + "lockfile, Node.js version and install command.");
            } else {
                install(sandbox, plan, project, RepositoryPaths.insideRealPath(repo, installRoot) ? installRoot : root, env, userOutput, canceled);
            }
            installDone = true;
            runStep(sandbox, "Build", plan.buildCommand(), root, env, userOutput, canceled);
            if (canceled.getAsBoolean()) {
                throw new BuildCanceled();
            }
            Path functionBundle = workspace.resolve("bundle");
            FunctionManifest functions = functionBuild.bundle(new FunctionBundler.Request(repo, root, functionBundle, sandbox,
                    env, userOutput, canceled, limits.timeout()));

            String outputDirectory = app != null ? staticFolders(app) : plan.resolveOutputDirectory(root);
            if (app == null && repo.relativize(root).toString().isEmpty() && !Files.isDirectory(root.resolve(outputDirectory))) {
                List<String> apps = MonorepoApps.find(new DirectorySourceTree(repo));
                if (!apps.isEmpty()) {
                    throw new BuildFailure("Output directory `" + outputDirectory + "` not found after the build: this repository is a "
                            + "monorepo, with " + String.join(", ", apps) + ". Set rootDirectory to the app to deploy (for example "
                            + apps.get(0).replaceAll(" \\(.*", "") + ") and deploy again.");
                }
            }
            Set<Path> cached = cacheKey == null ? Set.of() : cacheKey.paths().stream()
                    .map(p -> workspace.resolve(p).normalize()).collect(Collectors.toSet());
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
            if (!deployments.transition(deployment.id(), EnumSet.of(DeploymentStatus.BUILDING), DeploymentStatus.UPLOADING, clock.instant())) {
                throw new BuildCanceled();
            }
            log.system(outputDirectory.isEmpty() ? "No static files to upload: the app answers every path."
                    : "Uploading " + files.size() + " files from `" + outputDirectory + "`");
            ContentStore.Stored stored = content.storeFiles(project.id(), files.stream()
                    .map(f -> new ContentStore.LocalFile(f.path(), f.source(), f.size())).toList());
            log.system(String.format("Uploaded %d new file contents (%s); %d files reused content the project already had",
                    stored.newContents(), Release.humanBytes(stored.newBytes()), stored.reusedFiles()));
            if (canceled.getAsBoolean()) {
                throw new BuildCanceled();
            }
            Deployment uploading = deployments.findById(deployment.id()).orElseThrow(BuildCanceled::new);
            Release.GoLive goLive = Deployment.PRODUCTION.equals(deployment.target()) ? Release.GoLive.IF_AUTO_PUBLISH : Release.GoLive.NO;
            if (release.release(project, uploading, new Release.Contents(stored.files(), stored.sources(), config, stored.stats(),
                    functionBundle, functions),
                    goLive, log) != DeploymentStatus.READY) {
                return DeploymentStatus.CANCELED;
            }
            if (cacheKey != null) {
                cache.save(cacheKey, workspace, sandbox, env, log, () -> false);
            }
            return DeploymentStatus.READY;
        } catch (BuildCanceled e) {
            keepCacheOfFailedBuild(cacheKey, installDone, workspace, sandbox, env, log);
            log.system("Build canceled.");
            log.flush();
            deployments.finish(deployment.id(), EnumSet.of(DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING),
                    DeploymentStatus.CANCELED, "Canceled by user.", DeploymentStats.EMPTY, clock.instant());
            cleanUp(deployment);
            return DeploymentStatus.CANCELED;
        } catch (BuildFailure e) {
            keepCacheOfFailedBuild(cacheKey, installDone, workspace, sandbox, env, log);
            return fail(deployment, log, e.getMessage());
        } catch (Exception e) {
            LOG.error("build {} failed unexpectedly", deployment.id(), e);
            return fail(deployment, log, "The build failed because of an error on our side (" + e.getClass().getSimpleName()
                    + "); try again, and tell us if it keeps happening.");
        }
    }

    /**
     * A build that fails or is canceled after its install still leaves node_modules exactly as the lockfile
     * says: kept, so that one failed build (a type error, a bad commit) does not cost the next one a clean install.
     */
    private void keepCacheOfFailedBuild(BuildCache.Key cacheKey, boolean installDone, Path workspace, BuildSandbox sandbox,
                                        Map<String, String> env, BuildOutput log) {
        if (cacheKey == null || !installDone) {
            return;
        }
        try {
            cache.keepAfterFailedBuild(cacheKey, workspace, sandbox, env, log);
        } catch (BuildCanceled | RuntimeException e) {
            LOG.warn("could not keep the build cache of a failed build", e);
        }
    }

    private DeploymentStatus fail(Deployment deployment, BuildLogWriter log, String message) {
        log.line("stderr", "Error: " + message);
        log.flush();
        if (!deployments.finish(deployment.id(), EnumSet.of(DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING),
                DeploymentStatus.FAILED, message, DeploymentStats.EMPTY, clock.instant())
                && deployments.findById(deployment.id()).map(d -> d.status() == DeploymentStatus.READY).orElse(false)) {
            // It failed after it was READY (going live, its branch host): its files are served by its own URL and
            // may be promoted, so they stay.
            return DeploymentStatus.READY;
        }
        cleanUp(deployment);
        return DeploymentStatus.FAILED;
    }

    private void cleanUp(Deployment deployment) {
        release.takeBack(null, deployment);
    }

    /**
     * The install. With a committed package-lock.json it is {@code npm ci}, which installs exactly what the
     * lockfile says; when npm refuses because the lockfile does not match package.json (npm's own lockfiles
     * do that, across npm versions and platforms), the build goes on with {@code npm install}, as Vercel and
     * Netlify run by default, and the log says which packages did not match. Any other failure fails the build.
     */
    private void install(BuildSandbox sandbox, BuildPlan plan, Project project, Path dir, Map<String, String> env, BuildOutput log,
                         BooleanSupplier canceled) throws BuildFailure, BuildCanceled {
        String frozen = PackageManager.NPM.installCommand(true);
        if (project.installCommand() != null || !frozen.equals(plan.installCommand())) {
            runStep(sandbox, "Install", plan.installCommand(), dir, env, log, canceled);
            return;
        }
        log.system("Install: npm ci (package-lock.json is committed: exactly what it says is installed; if it does not match "
                + "package.json, npm install runs instead)");
        List<String> mismatch = new ArrayList<>();
        boolean[] outOfSync = {false};
        BuildOutput watching = (stream, text) -> {
            log.line(stream, text);
            String line = text.replaceAll("\u001B\\[[0-9;]*m", "");
            outOfSync[0] |= line.contains("can only install packages when your package.json and package-lock.json");
            Matcher m = NPM_MISMATCH.matcher(line);
            if (m.find() && mismatch.size() < 3) {
                mismatch.add(m.group(1).strip());
            }
        };
        long start = System.nanoTime();
        int exit = sandbox.run(frozen, dir, env, limits.timeout(), watching, canceled);
        if (exit == 0) {
            log.system(String.format("Install finished in %.1fs", (System.nanoTime() - start) / 1e9));
            return;
        }
        if (!outOfSync[0]) {
            throw new BuildFailure("`" + frozen + "` exited with code " + exit + "; see the log above for the cause.");
        }
        log.line("stderr", "Warning: package-lock.json does not match package.json" + (mismatch.isEmpty() ? "" : " (" + String.join("; ", mismatch) + ")")
                + ", so `npm ci` refused it. Running `npm install` instead; commit the package-lock.json it writes to make installs repeatable.");
        runStep(sandbox, "Install", PackageManager.NPM.installCommand(false), dir, env, log, canceled);
    }

    private static final Pattern NPM_MISMATCH = Pattern.compile("npm (?:error|ERR!) ((?:Missing|Invalid): .*)");

    private void runStep(BuildSandbox sandbox, String name, String command, Path root, Map<String, String> env, BuildOutput log,
                         BooleanSupplier canceled) throws BuildFailure, BuildCanceled {
        if (command == null) {
            return;
        }
        log.system(name + ": " + command);
        long start = System.nanoTime();
        int exit = sandbox.run(command, root, env, limits.timeout(), log, canceled);
        String tool = command.strip().split("\\s+")[0];
        if (exit == 127 && tool.matches("[A-Za-z0-9._-]+") && SearchPath.executables(env.getOrDefault("PATH", ""), tool).findAny().isEmpty()) {
            throw new BuildFailure("`" + tool + "` is not installed where builds run (exit code 127). " + installHint(tool));
        }
        if (exit != 0) {
            throw new BuildFailure("`" + command + "` exited with code " + exit + "; see the log above for the cause.");
        }
        log.system(String.format("%s finished in %.1fs", name, (System.nanoTime() - start) / 1e9));
    }

    private static String installHint(String tool) {
        return switch (tool) {
            case "yarn", "pnpm" -> "It comes with corepack: use a Node.js that ships corepack, or install it on the builder "
                    + "(npm install --global corepack); ./miaobu and the build image do.";
            case "bun", "bunx" -> "Install bun on the builder (npm install --global bun); ./miaobu and the build image do.";
            case "hugo" -> "Install Hugo on the builder (apt-get install hugo); the build image has it.";
            case "mkdocs" -> "Install MkDocs on the builder (pip install mkdocs); the build image has it.";
            case "jekyll", "bundle" -> "Install Jekyll on the builder (apt-get install jekyll ruby-bundler); the build image has it.";
            case "pelican" -> "Install Pelican on the builder (apt-get install pelican, or pip install \"pelican[markdown]\"), or list "
                    + "pelican in the project's requirements.txt; the build image has it.";
            case "zola" -> "Install Zola on the builder (its single binary from https://github.com/getzola/zola/releases); "
                    + "the build image has it.";
            case "mdbook" -> "Install mdBook on the builder (its single binary from https://github.com/rust-lang/mdBook/releases, "
                    + "or cargo install mdbook); the build image has it.";
            default -> "Add it to the project's dependencies, or set an install command that installs it.";
        };
    }

    /**
     * The only environment user code sees (DESIGN §6): PATH, a private HOME, CI=true, the documented
     * MIAOBU_* build variables and the project's variables for this target; no platform setting or
     * credential is inherited. The operator's registry mirror is added unless the project names its own.
     */
    private Map<String, String> buildEnvironment(Path workspace, BuildSandbox sandbox, Deployment deployment, Project project,
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

    /**
     * {@code npm ci} only ever recreates node_modules from the lockfile; with node_modules restored from a
     * build of this exact key (lockfile, Node.js, install command, build user, install settings) it is skipped,
     * unless the project's own package.json runs scripts on install (their effects may lie outside node_modules).
     * Other package managers run: with node_modules in place they finish in about a second.
     */
    private static boolean skipsCleanInstall(BuildPlan plan, Project project, Path repo) {
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
    private BuildCache.Key cacheKey(Project project, Deployment deployment, BuildPlan plan, Path repo, BuildSandbox sandbox,
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

    /**
     * Polls the deployment's status at most once a second: once it is no longer building (canceled by
     * the user, failed by the reaper or a shutdown, or deleted) the build stops.
     */
    private BooleanSupplier cancellationCheck(String deploymentId) {
        long[] lastCheck = {0};
        boolean[] canceled = {false};
        return () -> {
            long now = System.nanoTime();
            if (!canceled[0] && now - lastCheck[0] > 1_000_000_000L) {
                lastCheck[0] = now;
                canceled[0] = deployments.findById(deploymentId)
                        .map(d -> d.status() != DeploymentStatus.BUILDING && d.status() != DeploymentStatus.UPLOADING)
                        .orElse(true);
            }
            return canceled[0];
        };
    }

    private static String describe(BuildPlan plan, PythonApps.PythonApp app) {
        return (plan.detection().framework() == null ? "" : plan.detection().framework().name() + ": ") + "install " + (plan.installCommand() == null ? "(none)" : "`" + plan.installCommand() + "`")
                + ", build " + (plan.buildCommand() == null ? "(none)" : "`" + plan.buildCommand() + "`")
                + ", output " + (app != null ? (app.staticDirs().isEmpty() ? "none (the app answers every path)" : "`" + staticFolders(app) + "`")
                        : plan.outputDirectory() == null ? "dist, build, out or public" : "`" + plan.outputDirectory() + "`")
                + " — " + plan.source();
    }

    /** The app's static folders, as {@code static`, `public} for a log line's backquotes; empty without any. */
    private static String staticFolders(PythonApps.PythonApp app) {
        return String.join("`, `", app.staticDirs().stream().map(PythonApps.StaticDir::folder).toList());
    }
}
