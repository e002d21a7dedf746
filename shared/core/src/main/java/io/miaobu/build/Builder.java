package io.miaobu.build;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.deploy.Publisher;
import io.miaobu.edge.RouteConfig;
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
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
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

    public record Limits(Duration timeout, int maxFiles, long maxBytes) {}

    private final DeploymentStore deployments;
    private final ProjectStore projects;
    private final Database database;
    private final ArtifactStore artifacts;
    private final Publisher publisher;
    private final SourceFetcher fetcher;
    private final CommandRunner runner;
    private final Path workRoot;
    private final Limits limits;
    private final String toolPath;
    private final Clock clock;

    public Builder(Database database, ArtifactStore artifacts, Publisher publisher, SourceFetcher fetcher,
                   CommandRunner runner, Path workRoot, Limits limits, String toolPath, Clock clock) {
        this.database = database;
        this.deployments = database.deployments();
        this.projects = database.projects();
        this.artifacts = artifacts;
        this.publisher = publisher;
        this.fetcher = fetcher;
        this.runner = runner;
        this.workRoot = workRoot;
        this.limits = limits;
        this.toolPath = toolPath;
        this.clock = clock;
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
        try (BuildLogWriter log = new BuildLogWriter(deploymentId, database.logs(), clock)) {
            DeploymentStatus result = run(deployment, workspace, log);
            log.flush();
            return result;
        } finally {
            deleteRecursively(workspace);
        }
    }

    private DeploymentStatus run(Deployment deployment, Path workspace, BuildLogWriter log) {
        BooleanSupplier canceled = cancellationCheck(deployment.id());
        long started = System.nanoTime();
        try {
            Project project = projects.findById(deployment.projectId())
                    .orElseThrow(() -> new BuildFailure("The project was deleted."));
            log.system("Building " + project.name() + " (" + deployment.target() + ", branch " + deployment.branch() + ")");
            Files.createDirectories(workspace);
            Path repo = workspace.resolve("repo");
            var source = fetcher.fetch(project.gitUrl(), deployment.branch(), deployment.requestedCommit(), repo, log);
            deployments.recordCommit(deployment.id(), source.commitSha(), source.commitMessage());

            Path root = project.rootDirectory() == null ? repo : repo.resolve(project.rootDirectory()).normalize();
            if (!root.startsWith(repo) || !Files.isDirectory(root)) {
                throw new BuildFailure("Root directory `" + project.rootDirectory() + "` does not exist in the repository; "
                        + "set rootDirectory to the folder that holds your site.");
            }
            BuildPlan plan = BuildPlan.forProject(project, root);
            log.system("Build settings: " + describe(plan));
            Map<String, String> env = buildEnvironment(workspace, deployment, source);
            runStep("Install", plan.installCommand(), root, env, log, canceled);
            runStep("Build", plan.buildCommand(), root, env, log, canceled);
            if (canceled.getAsBoolean()) {
                throw new BuildCanceled();
            }

            String outputDirectory = plan.resolveOutputDirectory(root);
            List<OutputFiles.OutputFile> files = OutputFiles.collect(root, outputDirectory, limits.maxFiles(), limits.maxBytes());
            RouteConfig config = BuildRules.compile(files, root, log);
            files = BuildRules.siteFiles(files);
            if (!deployments.transition(deployment.id(), EnumSet.of(DeploymentStatus.BUILDING), DeploymentStatus.UPLOADING, clock.instant())) {
                throw new BuildCanceled();
            }
            log.system("Uploading " + files.size() + " files from `" + outputDirectory + "`");
            DeploymentStats stats = upload(deployment, files, canceled);
            deployments.recordRouteConfig(deployment.id(), config);

            Deployment ready = withReady(deployment, config, stats);
            publisher.publishPermanentHost(project, ready);
            if (!deployments.finish(deployment.id(), EnumSet.of(DeploymentStatus.UPLOADING), DeploymentStatus.READY, null, stats, clock.instant())) {
                // Canceled or the project deleted while uploading: take back what this build published.
                publisher.unpublishPermanentHost(project, ready);
                artifacts.deletePrefix(deployment.prefix());
                log.system("Deployment was canceled while uploading; its files were removed.");
                return DeploymentStatus.CANCELED;
            }
            log.system(String.format("Deployment ready in %.1fs: %d files, %s", (System.nanoTime() - started) / 1e9,
                    stats.files(), humanBytes(stats.bytes())));
            goLiveIfProduction(project.id(), deployments.findById(deployment.id()).orElse(ready), log);
            return DeploymentStatus.READY;
        } catch (BuildCanceled e) {
            log.system("Build canceled.");
            deployments.finish(deployment.id(), EnumSet.of(DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING),
                    DeploymentStatus.CANCELED, "Canceled by user.", DeploymentStats.EMPTY, clock.instant());
            cleanUp(deployment);
            return DeploymentStatus.CANCELED;
        } catch (BuildFailure e) {
            return fail(deployment, log, e.getMessage());
        } catch (Exception e) {
            LOG.error("build {} failed unexpectedly", deployment.id(), e);
            return fail(deployment, log, "The build failed because of an error on our side (" + e.getClass().getSimpleName()
                    + "); try again, and tell us if it keeps happening.");
        }
    }

    private DeploymentStatus fail(Deployment deployment, BuildLogWriter log, String message) {
        log.line("stderr", "Error: " + message);
        deployments.finish(deployment.id(), EnumSet.of(DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING),
                DeploymentStatus.FAILED, message, DeploymentStats.EMPTY, clock.instant());
        cleanUp(deployment);
        return DeploymentStatus.FAILED;
    }

    private void cleanUp(Deployment deployment) {
        try {
            artifacts.deletePrefix(deployment.prefix());
        } catch (IOException e) {
            LOG.warn("could not remove files of deployment {}", deployment.id(), e);
        }
    }

    /** Production deployments go live when auto-publish is on, unless a newer one is already live. */
    private void goLiveIfProduction(String projectId, Deployment ready, BuildLogWriter log) {
        Optional<Project> current = projects.findById(projectId);
        if (current.isEmpty() || !Deployment.PRODUCTION.equals(ready.target())) {
            return;
        }
        Project project = current.get();
        if (!project.autoPublish()) {
            log.system("Auto-publish is off: promote this deployment to make it live.");
            return;
        }
        if (project.liveDeploymentId() != null) {
            Optional<Deployment> live = deployments.findById(project.liveDeploymentId());
            if (live.isPresent() && live.get().createdAt().isAfter(ready.createdAt())) {
                log.system("A newer deployment is already live; this one was not promoted.");
                return;
            }
        }
        publisher.promote(project, ready);
        log.system("Promoted to production.");
    }

    private void runStep(String name, String command, Path root, Map<String, String> env, BuildOutput log,
                         BooleanSupplier canceled) throws BuildFailure, BuildCanceled {
        if (command == null) {
            return;
        }
        log.system(name + ": " + command);
        long start = System.nanoTime();
        int exit = runner.run(command, root, env, limits.timeout(), log, canceled);
        if (exit != 0) {
            throw new BuildFailure("`" + command + "` exited with code " + exit + "; see the log above for the cause.");
        }
        log.system(String.format("%s finished in %.1fs", name, (System.nanoTime() - start) / 1e9));
    }

    /** The only environment user code sees: no platform setting or credential is inherited. */
    private Map<String, String> buildEnvironment(Path workspace, Deployment deployment, SourceFetcher.FetchedSource source)
            throws IOException {
        Path home = Files.createDirectories(workspace.resolve("home"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", toolPath);
        env.put("HOME", home.toString());
        env.put("CI", "true");
        env.put("LANG", "C.UTF-8");
        env.put("MIAOBU", "1");
        env.put("MIAOBU_DEPLOYMENT_ID", deployment.id());
        env.put("MIAOBU_GIT_BRANCH", deployment.branch());
        env.put("MIAOBU_GIT_COMMIT_SHA", source.commitSha());
        env.put("MIAOBU_TARGET", deployment.target());
        return env;
    }

    private DeploymentStats upload(Deployment deployment, List<OutputFiles.OutputFile> files, BooleanSupplier canceled)
            throws Exception {
        AtomicLong bytes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(UPLOAD_THREADS, Math.max(1, files.size())));
        try {
            List<Future<?>> uploads = new ArrayList<>(files.size());
            for (OutputFiles.OutputFile file : files) {
                uploads.add(pool.submit(() -> {
                    artifacts.put(deployment.prefix() + file.path(), file.source(), ContentTypes.of(file.path()));
                    bytes.addAndGet(file.size());
                    return null;
                }));
            }
            for (Future<?> upload : uploads) {
                upload.get();
            }
        } finally {
            pool.shutdownNow();
        }
        if (canceled.getAsBoolean()) {
            throw new BuildCanceled();
        }
        return new DeploymentStats(files.size(), bytes.get(), files.size(), bytes.get());
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

    private Deployment withReady(Deployment d, RouteConfig config, DeploymentStats stats) {
        return new Deployment(d.id(), d.projectId(), DeploymentStatus.READY, d.target(), d.branch(), d.requestedCommit(),
                d.commitSha(), d.commitMessage(), null, stats, config, d.createdAt(), d.startedAt(), clock.instant());
    }

    private static String describe(BuildPlan plan) {
        return "install " + (plan.installCommand() == null ? "(none)" : "`" + plan.installCommand() + "`")
                + ", build " + (plan.buildCommand() == null ? "(none)" : "`" + plan.buildCommand() + "`")
                + ", output " + (plan.outputDirectory() == null ? "dist or build" : "`" + plan.outputDirectory() + "`")
                + " — " + plan.source();
    }

    private static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not remove build workspace {}", dir, e);
        }
    }
}
