package io.miaobu.build;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.deploy.ContentStore;
import io.miaobu.deploy.Release;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
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
    private final BuildCommands commands;
    private final BuildEnvironment environment;
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
        this.commands = new BuildCommands(limits.timeout());
        this.environment = new BuildEnvironment(tools, hosts);
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
            env = environment.create(workspace, sandbox, deployment, project, source, projectVariables, plan, log);
            Path installRoot = repo.resolve(plan.installDirectory()).normalize();
            boolean installed = false;
            if (plan.installCommand() != null && tools.cache()) {
                cacheKey = InstallReuse.cacheKey(project, deployment, plan, repo, sandbox, env, projectVariables, canceled);
                if (cacheKey.paths().isEmpty()) {
                    cacheKey = null; // nothing this install keeps between builds (a non-Node project)
                } else if (cache.restore(cacheKey, workspace, sandbox, env, log, canceled)) {
                    env.put("npm_config_prefer_offline", "true");
                    installed = InstallReuse.skipsCleanInstall(plan, project, repo);
                }
            }
            if (installed) {
                log.system("Install: `" + plan.installCommand() + "` skipped: node_modules was restored from a build with this exact "
                        + "lockfile, Node.js version and install command.");
            } else {
                commands.install(sandbox, plan, project, RepositoryPaths.insideRealPath(repo, installRoot) ? installRoot : root, env, userOutput, canceled);
            }
            installDone = true;
            commands.run(sandbox, "Build", plan.buildCommand(), root, env, userOutput, canceled);
            if (canceled.getAsBoolean()) {
                throw new BuildCanceled();
            }
            Path functionBundle = workspace.resolve("bundle");
            FunctionManifest functions = functionBuild.bundle(new FunctionBundler.Request(repo, root, functionBundle, sandbox,
                    env, userOutput, canceled, limits.timeout()));

            Set<Path> cached = cacheKey == null ? Set.of() : cacheKey.paths().stream()
                    .map(p -> workspace.resolve(p).normalize()).collect(Collectors.toSet());
            SiteOutput.Site site = SiteOutput.collect(repo, root, plan, app, functions, cached, limits, log);
            String outputDirectory = site.outputDirectory();
            List<OutputFiles.OutputFile> files = site.files();
            RouteConfig config = site.config();
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
                + ", output " + (app != null ? (app.staticDirs().isEmpty() ? "none (the app answers every path)" : "`" + SiteOutput.staticFolders(app) + "`")
                        : plan.outputDirectory() == null ? "dist, build, out or public" : "`" + plan.outputDirectory() + "`")
                + " — " + plan.source();
    }

}
