package io.miaobu.deploy;

import io.miaobu.edge.RouteConfig;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Every state change is a conditional update ({@code ... WHERE status IN (:from)}), so two
 * builders racing for one job, or a cancel racing a build, resolve to exactly one winner.
 */
public interface DeploymentStore {
    void insert(Deployment deployment);

    Optional<Deployment> findById(String id);

    /** Newest first. */
    List<Deployment> listByProject(String projectId, int limit);

    /** Each project's newest deployment (projects never deployed have none), in one query for a projects list. */
    List<Deployment> newestOfProjects(Collection<String> projectIds);

    /** Moves {@code id} to {@code to} only if it is currently in one of {@code from}. Sets started_at when moving to BUILDING. */
    boolean transition(String id, Collection<DeploymentStatus> from, DeploymentStatus to, Instant at);

    /** Final transition that also records the error (null when READY), stats and the time it finished. */
    boolean finish(String id, Collection<DeploymentStatus> from, DeploymentStatus to, String error,
                   DeploymentStats stats, Instant at);

    /** What the build checked out; a non-blank {@code authorName} replaces the author's name, login and avatar stay. */
    /**
     * Claims an UPLOADING deployment for its release (its files moved into place, then READY); only
     * one caller ever succeeds, so a retried or double-clicked {@code complete} touches nothing.
     */
    boolean claimRelease(String id, Instant at);

    void recordCommit(String id, String commitSha, String commitMessage, String authorName);

    void recordRouteConfig(String id, RouteConfig config);

    /** What the deployment runs besides files, and where: recorded by its release before any host points at it. */
    void recordFunctions(String id, io.miaobu.dynamic.FunctionManifest functions, java.util.Map<String, String> backends);

    /** Deployments in {@code status} whose last transition (started_at, or created_at when never started) is before {@code before}. */
    List<Deployment> listStale(DeploymentStatus status, Instant before);

    /** The branch's newest READY deployment: what its branch host serves. */
    Optional<Deployment> newestReady(String projectId, String branch);

    /** The branch's deployments still waiting in the queue, oldest first. */
    List<Deployment> listQueued(String projectId, String branch);

    /** Deployments of one commit (requested or checked out), newest first. */
    List<Deployment> listByCommit(String projectId, String commitSha);

    /** Projects with a finished deployment (READY, FAILED or CANCELED) created before {@code before}: where retention looks. */
    List<String> projectsWithFinishedBefore(Instant before);

    /** Removes the deployment's row, its build log and file list with it; false when it was not there. */
    boolean delete(String id);
}
