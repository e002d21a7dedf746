package io.miaobu.deploy;

import io.miaobu.Ids;
import io.miaobu.auth.User;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService;
import io.miaobu.projects.ProjectStore;
import io.miaobu.projects.Validation;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;

/** Deployments on behalf of a signed-in user: create (enqueue), read, promote, cancel. */
public final class DeploymentService {
    private static final EnumSet<DeploymentStatus> RUNNING =
            EnumSet.of(DeploymentStatus.QUEUED, DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING);

    private final ProjectService projectService;
    private final ProjectStore projects;
    private final DeploymentStore deployments;
    private final JobQueue queue;
    private final Publisher publisher;
    private final Function<User, Initiator> initiators;
    private final Clock clock;

    /** @param initiators how a signed-in user is named on the deployments they start */
    public DeploymentService(ProjectService projectService, ProjectStore projects, DeploymentStore deployments,
                             JobQueue queue, Publisher publisher, Function<User, Initiator> initiators, Clock clock) {
        this.projectService = projectService;
        this.projects = projects;
        this.deployments = deployments;
        this.queue = queue;
        this.publisher = publisher;
        this.initiators = initiators;
        this.clock = clock;
    }

    public record NewDeployment(String branch, String commit) {}

    /** Records a QUEUED deployment and enqueues its build; the row exists before the job, so no builder ever sees a job without one. */
    public Owned create(User user, String projectId, NewDeployment request) {
        Project project = projectService.owned(user, projectId);
        // With a commit it rebuilds one that was deployed before (the dashboard's Redeploy).
        return new Owned(project, enqueue(project, request.branch() == null ? project.productionBranch() : request.branch(),
                request.commit(), null, request.commit() == null ? Deployment.BY_MANUAL : Deployment.BY_REDEPLOY,
                initiator(user)));
    }

    /** The signed-in user as the deployments they start name them. */
    public Initiator initiator(User user) {
        return initiators.apply(user);
    }

    /**
     * @param author    who wrote {@code commit}, when the caller knows (a push webhook); else null
     * @param trigger   what started it: one of Deployment's BY_ constants
     * @param initiator the user or deploy hook that started it; null for a push
     */
    public Deployment enqueue(Project project, String branch, String commit, CommitAuthor author, String trigger,
                              Initiator initiator) {
        if (project.gitUrl() == null) {
            throw ApiError.conflict("no_repository", "Project " + project.name() + " has no Git repository to build; "
                    + "deploy a folder with `./miaobu deploy DIR --project " + project.name() + "`, or set its gitUrl.");
        }
        String validBranch = Validation.branch("branch", branch.trim());
        String target = validBranch.equals(project.productionBranch()) ? Deployment.PRODUCTION : Deployment.PREVIEW;
        Deployment deployment = new Deployment(Ids.deployment(), project.id(), DeploymentStatus.QUEUED, target,
                validBranch, Validation.commit(commit), null, null, null, DeploymentStats.EMPTY, null,
                clock.instant(), null, null, author, trigger, initiator);
        deployments.insert(deployment);
        queue.send(new BuildJob(deployment.id()));
        return deployment;
    }

    /**
     * Enqueues the new head of a branch (a push, a deploy hook) and cancels that branch's builds
     * still waiting in the queue: only the newest commit of a branch is worth building.
     */
    public Deployment enqueueNewest(Project project, String branch, String commit, CommitAuthor author, String trigger,
                                    Initiator initiator) {
        Deployment deployment = enqueue(project, branch, commit, author, trigger, initiator);
        String by = commit == null ? "a newer deployment" : "commit " + commit.substring(0, Math.min(7, commit.length()));
        for (Deployment older : deployments.listQueued(project.id(), deployment.branch())) {
            if (createdBefore(older, deployment)) {
                deployments.finish(older.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.CANCELED,
                        "Superseded by " + by + " on " + deployment.branch() + " before it started.",
                        older.stats(), clock.instant());
            }
        }
        return deployment;
    }

    // Only strictly older ones: two pushes enqueued at once must not cancel each other. Compared at the
    // database's precision (microseconds), since one side was read back from it.
    private static boolean createdBefore(Deployment a, Deployment b) {
        if (a.id().equals(b.id())) {
            return false;
        }
        int byTime = a.createdAt().truncatedTo(ChronoUnit.MICROS).compareTo(b.createdAt().truncatedTo(ChronoUnit.MICROS));
        return byTime < 0 || (byTime == 0 && a.id().compareTo(b.id()) < 0);
    }

    /** The project's newest deployments, with the project (whose live deployment marks one of them). */
    public Listing list(User user, String projectId) {
        Project project = projectService.owned(user, projectId);
        return new Listing(project, deployments.listByProject(project.id(), 100));
    }

    public record Listing(Project project, List<Deployment> deployments) {}

    /** A deployment of one of the caller's projects, with that project. */
    public Owned owned(User user, String deploymentId) {
        Deployment deployment = deployments.findById(deploymentId)
                .orElseThrow(() -> ApiError.notFound("Deployment " + deploymentId));
        Project project = projects.findById(deployment.projectId())
                .filter(p -> p.ownerId().equals(user.id()))
                .orElseThrow(() -> ApiError.notFound("Deployment " + deploymentId));
        return new Owned(project, deployment);
    }

    public record Owned(Project project, Deployment deployment) {}

    /** Makes a READY deployment the live one; promoting an older one is the rollback. */
    public Owned promote(User user, String deploymentId) {
        Owned owned = owned(user, deploymentId);
        if (owned.deployment().status() != DeploymentStatus.READY) {
            throw ApiError.conflict("not_ready", "Only READY deployments can go live; this one is "
                    + owned.deployment().status() + ".");
        }
        Project project = owned.project();
        if (isRollback(project, owned.deployment())) {
            // As Vercel does after an instant rollback: new production deployments still build but no
            // longer go live by themselves, or the next push would silently undo the rollback. The
            // dashboard says so and turns auto-publish back on when asked. Off before the switch, so
            // a build finishing meanwhile does not go live over it.
            project = project.withAutoPublish(false, clock.instant());
            projects.update(project);
        }
        publisher.promote(project, owned.deployment());
        return new Owned(project.withLiveDeploymentId(owned.deployment().id()), owned.deployment());
    }

    /** Promoting a production deployment older than the live one puts an earlier version back. */
    private boolean isRollback(Project project, Deployment promoted) {
        if (!Deployment.PRODUCTION.equals(promoted.target()) || project.liveDeploymentId() == null) {
            return false;
        }
        return deployments.findById(project.liveDeploymentId())
                .filter(live -> live.createdAt().isAfter(promoted.createdAt()))
                .isPresent();
    }

    public Owned cancel(User user, String deploymentId) {
        Owned owned = owned(user, deploymentId);
        boolean canceled = deployments.finish(deploymentId, RUNNING, DeploymentStatus.CANCELED,
                "Canceled by user.", owned.deployment().stats(), clock.instant());
        if (!canceled) {
            Deployment now = deployments.findById(deploymentId).orElse(owned.deployment());
            throw ApiError.conflict("already_finished", "This deployment already finished as " + now.status()
                    + "; only queued or building deployments can be canceled.");
        }
        return new Owned(owned.project(), deployments.findById(deploymentId).orElseThrow());
    }
}
