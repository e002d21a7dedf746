package io.miaobu.deploy;

import io.miaobu.build.BuildLogWriter;
import io.miaobu.build.Builder;
import io.miaobu.deploy.DeploymentFileStore.FileEntry;
import io.miaobu.edge.RouteConfig;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import io.miaobu.store.ArtifactStore;
import io.miaobu.store.Database;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a deployment goes live, for Git builds and folder deployments alike: its files are put in
 * place from the project's stored content, the edge learns its file list and its permanent host, it
 * becomes READY, and then — when asked — it goes live and its branch host follows it.
 *
 * <p>The caller holds the deployment: it won the conditional update that made it UPLOADING (a build) or
 * claimed its release (a folder's {@code complete}), so no second caller moves the same files. If the
 * deployment is canceled or deleted meanwhile, the final conditional update fails and this release takes
 * back exactly what it published.
 */
public final class Release {
    private static final Logger LOG = LoggerFactory.getLogger(Release.class);

    /** When a READY deployment becomes the project's live one. */
    public enum GoLive {
        /** A preview: never. */
        NO,
        /** A push to the production branch: when the project auto-publishes and nothing newer is live. */
        IF_AUTO_PUBLISH,
        /** Asked for in so many words ({@code ./miaobu deploy --prod}). */
        YES
    }

    /**
     * What to release: the files (already in the content store), the deployment's route config and, for a
     * deployment with functions, the bundle the build assembled and its manifest.
     */
    public record Contents(List<FileEntry> files, Map<String, Path> localSources, RouteConfig config, DeploymentStats stats,
                           Path functionBundle, FunctionManifest functions) {
        public Contents {
            functions = functions == null ? FunctionManifest.EMPTY : functions;
        }

        /** A deployment of files only. */
        public Contents(List<FileEntry> files, Map<String, Path> localSources, RouteConfig config, DeploymentStats stats) {
            this(files, localSources, config, stats, null, FunctionManifest.EMPTY);
        }
    }

    private final DeploymentStore deployments;
    private final ProjectStore projects;
    private final ArtifactStore artifacts;
    private final ContentStore content;
    private final Publisher publisher;
    private final Clock clock;
    private final FunctionHost functionHost;
    private final Builder.Variables variables;

    /** A release of files only (folder deployments carry no functions). */
    public Release(Database database, ArtifactStore artifacts, ContentStore content, Publisher publisher, Clock clock) {
        this(database, artifacts, content, publisher, FunctionHost.NONE, (projectId, target) -> Map.of(), clock);
    }

    /** @param variables the project's variables for a target, decrypted only to hand them to the functions */
    public Release(Database database, ArtifactStore artifacts, ContentStore content, Publisher publisher,
                   FunctionHost functionHost, Builder.Variables variables, Clock clock) {
        this.functionHost = functionHost;
        this.variables = variables;
        this.deployments = database.deployments();
        this.projects = database.projects();
        this.artifacts = artifacts;
        this.content = content;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * Releases a deployment the caller holds (UPLOADING). Returns READY, or CANCELED when it was canceled or
     * deleted while its files moved. When storing or publishing fails, what was done is undone and the
     * error is thrown: the caller records the failure.
     */
    public DeploymentStatus release(Project project, Deployment deployment, Contents contents, GoLive goLive,
                                    BuildLogWriter log) throws IOException {
        Deployment ready = deployment.ready(contents.config(), contents.stats(), clock.instant());
        try {
            content.copyInto(project.id(), deployment.prefix(), contents.files(), contents.localSources());
            deployments.recordRouteConfig(deployment.id(), contents.config());
            if (!contents.functions().isEmpty()) {
                Map<String, String> backends = functionHost.deploy(project, ready, contents.functionBundle(),
                        contents.functions(), variables.forBuild(project.id(), deployment.target()));
                if (!backends.keySet().containsAll(contents.functions().runtimes())) {
                    throw new IllegalStateException("the function host made " + backends.keySet() + " runnable, not "
                            + contents.functions().runtimes());
                }
                ready = ready.withFunctions(contents.functions(), backends);
                deployments.recordFunctions(deployment.id(), ready.functions(), ready.backends());
                log.system("Functions are ready to run (" + String.join(", ", backends.keySet()) + ").");
            }
            publisher.publishFiles(ready, contents.files().stream().map(FileEntry::path).toList());
            publisher.publishPermanentHost(project, ready);
        } catch (IOException | RuntimeException e) {
            takeBack(project, ready);
            throw e;
        }
        // Everything written so far is stored before the status is final (the live log shows it at once).
        log.flush();
        if (!deployments.finish(deployment.id(), EnumSet.of(DeploymentStatus.UPLOADING), DeploymentStatus.READY, null,
                contents.stats(), ready.finishedAt())) {
            takeBack(project, ready);
            log.system("Deployment was canceled while its files were stored; its files were removed.");
            return DeploymentStatus.CANCELED;
        }
        Instant started = deployment.startedAt() == null ? deployment.createdAt() : deployment.startedAt();
        log.system(String.format("Deployment ready in %.1fs: %d files, %s",
                Duration.between(started, ready.finishedAt()).toMillis() / 1000.0, contents.stats().files(),
                humanBytes(contents.stats().bytes())));
        goLive(project.id(), deployments.findById(deployment.id()).orElse(ready), goLive, log);
        if (deployment.branch() != null) {
            pointBranchHost(project, deployment.branch(), log);
        }
        return DeploymentStatus.READY;
    }

    /** Removes a deployment's files, its functions and the edge's knowledge of them (its own host, its file list). */
    public void takeBack(Project project, Deployment deployment) {
        functionHost.delete(deployment);
        try {
            if (project != null) {
                publisher.unpublishPermanentHost(project, deployment);
            }
            publisher.unpublishFiles(deployment);
            artifacts.deletePrefix(deployment.prefix());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the files of deployment {}", deployment.id(), e);
        }
    }

    private void goLive(String projectId, Deployment ready, GoLive goLive, BuildLogWriter log) {
        Optional<Project> current = projects.findById(projectId);
        if (goLive == GoLive.NO || current.isEmpty()) {
            return;
        }
        Project project = current.get();
        if (goLive == GoLive.IF_AUTO_PUBLISH) {
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
        }
        try {
            publisher.promote(project, ready);
        } catch (RuntimeException e) {
            LOG.error("promoting {} failed", ready.id(), e);
            log.line("stderr", "Error: this deployment is ready, but making it live failed (" + e.getMessage()
                    + "). Promote it from the dashboard to try again.");
            return;
        }
        log.system("Promoted to production.");
    }

    /** The branch host follows the branch's newest READY deployment (an older build finishing late does not win). */
    private void pointBranchHost(Project project, String branch, BuildLogWriter log) {
        try {
            publisher.pointBranchHost(project, branch, deployments.newestReady(project.id(), branch));
        } catch (RuntimeException e) {
            LOG.error("pointing the branch host of {} at its newest deployment failed", branch, e);
            log.line("stderr", "Error: this deployment is ready, but the preview URL of branch " + branch
                    + " could not be updated (" + e.getMessage() + "); the next deployment of the branch updates it.");
        }
    }

    public static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
