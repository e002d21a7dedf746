package io.miaobu.ops;

import io.miaobu.config.RetentionSettings;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.deploy.Publisher;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old deployments (MIAOBU_RETENTION_DAYS, MIAOBU_RETENTION_KEEP): a finished deployment created
 * more than {@code days} ago that is not among its project's newest {@code keep} goes, with its permanent
 * host, its file list at the edge, its files and its functions. Never the live deployment, never a
 * branch's newest READY one (what its preview host serves), never one still building. With {@code days}
 * 0 (the default) nothing is ever deleted. Run by the scheduler's tick, and by the local host's.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** Deployments of one project read per run; a project with more is trimmed over several runs. */
    static final int PAGE = 1000;

    private final ProjectStore projects;
    private final DeploymentStore deployments;
    private final Publisher publisher;
    private final ArtifactStore artifacts;
    private final FunctionHost functions;
    private final RetentionSettings settings;
    private final Clock clock;

    public Retention(ProjectStore projects, DeploymentStore deployments, Publisher publisher, ArtifactStore artifacts,
                     FunctionHost functions, RetentionSettings settings, Clock clock) {
        this.projects = projects;
        this.deployments = deployments;
        this.publisher = publisher;
        this.artifacts = artifacts;
        this.functions = functions;
        this.settings = settings;
        this.clock = clock;
    }

    /** Deletes what is due; answers how many deployments went. */
    public int run() {
        if (settings.keepsForever()) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(Duration.ofDays(settings.days()));
        int deleted = 0;
        for (String projectId : deployments.projectsWithFinishedBefore(cutoff)) {
            Optional<Project> project = projects.findById(projectId);
            if (project.isEmpty()) {
                continue; // being deleted: ProjectService removes everything of it
            }
            for (Deployment d : due(project.get(), deployments.listByProject(projectId, PAGE), cutoff)) {
                if (delete(project.get(), d)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** Of a project's deployments (newest first), the ones retention deletes. */
    List<Deployment> due(Project project, List<Deployment> newestFirst, Instant cutoff) {
        Set<String> kept = new HashSet<>();
        if (project.liveDeploymentId() != null) {
            kept.add(project.liveDeploymentId());
        }
        newestFirst.stream().limit(settings.keep()).forEach(d -> kept.add(d.id()));
        Set<String> branchesSeen = new HashSet<>();
        for (Deployment d : newestFirst) {
            if (d.status() == DeploymentStatus.READY && d.branch() != null && branchesSeen.add(d.branch())) {
                kept.add(d.id()); // the branch's newest READY: its preview host's current deployment
            }
        }
        return newestFirst.stream()
                .filter(d -> !kept.contains(d.id()) && d.status().isFinal() && d.createdAt().isBefore(cutoff))
                .toList();
    }

    /**
     * Takes the deployment off the edge, then deletes its functions, files and row. The row goes last, so a
     * failure leaves it to be found and finished by the next run.
     */
    private boolean delete(Project project, Deployment d) {
        try {
            publisher.unpublishPermanentHost(project, d);
            publisher.unpublishFiles(d);
            functions.delete(d);
            artifacts.deletePrefix(d.prefix());
            boolean gone = deployments.delete(d.id());
            LOG.info("retention: deleted deployment {} of project {} ({}, created {})", d.id(), project.id(), d.status(), d.createdAt());
            return gone;
        } catch (IOException | RuntimeException e) {
            LOG.warn("retention: could not delete deployment {} of project {}; the next run tries again", d.id(), project.id(), e);
            return false;
        }
    }
}
