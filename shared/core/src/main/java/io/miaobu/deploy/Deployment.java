package io.miaobu.deploy;

import io.miaobu.edge.RouteConfig;
import io.miaobu.dynamic.FunctionManifest;
import java.time.Instant;
import java.util.Map;

/**
 * One immutable build of a project at one commit. {@code target} is "production" for the
 * production branch and "preview" otherwise; {@code commitSha} is known once the source is fetched.
 * {@code author} is null until someone says who wrote the commit (a push webhook, then the build).
 * {@code trigger} says what started it (push, hook, redeploy, manual, cli); {@code initiator} who
 * (the signed-in user, or the deploy hook by name), null for pushes and older deployments.
 * {@code functions} is what its build bundled besides files (null for none), {@code backends} where the
 * edge proxies them per runtime ({@link io.miaobu.dynamic.FunctionHost#deploy}'s answer, never shown to users).
 */
public record Deployment(
        String id,
        String projectId,
        DeploymentStatus status,
        String target,
        String branch,
        String requestedCommit,
        String commitSha,
        String commitMessage,
        String error,
        DeploymentStats stats,
        RouteConfig routeConfig,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        CommitAuthor author,
        String trigger,
        Initiator initiator,
        FunctionManifest functions,
        Map<String, String> backends) {

    public static final String PRODUCTION = "production";
    public static final String PREVIEW = "preview";

    /** What started a deployment ({@code trigger}; null for ones made before it was recorded). */
    public static final String BY_PUSH = "push";
    public static final String BY_HOOK = "hook";
    public static final String BY_REDEPLOY = "redeploy";
    public static final String BY_MANUAL = "manual";
    public static final String BY_CLI = "cli";

    public Deployment {
        functions = functions == null || functions.isEmpty() ? null : functions;
        backends = backends == null || backends.isEmpty() ? null : Map.copyOf(backends);
    }

    /** A deployment without functions (all of them until it is released with some). */
    public Deployment(String id, String projectId, DeploymentStatus status, String target, String branch,
                      String requestedCommit, String commitSha, String commitMessage, String error, DeploymentStats stats,
                      RouteConfig routeConfig, Instant createdAt, Instant startedAt, Instant finishedAt, CommitAuthor author,
                      String trigger, Initiator initiator) {
        this(id, projectId, status, target, branch, requestedCommit, commitSha, commitMessage, error, stats, routeConfig,
                createdAt, startedAt, finishedAt, author, trigger, initiator, null, null);
    }

    /** A deployment whose trigger is not known here (an in-memory copy that is never stored). */
    public Deployment(String id, String projectId, DeploymentStatus status, String target, String branch,
                      String requestedCommit, String commitSha, String commitMessage, String error, DeploymentStats stats,
                      RouteConfig routeConfig, Instant createdAt, Instant startedAt, Instant finishedAt, CommitAuthor author) {
        this(id, projectId, status, target, branch, requestedCommit, commitSha, commitMessage, error, stats, routeConfig,
                createdAt, startedAt, finishedAt, author, null, null);
    }

    /** A deployment whose initiator is not recorded (a push, whose author says who). */
    public Deployment(String id, String projectId, DeploymentStatus status, String target, String branch,
                      String requestedCommit, String commitSha, String commitMessage, String error, DeploymentStats stats,
                      RouteConfig routeConfig, Instant createdAt, Instant startedAt, Instant finishedAt, CommitAuthor author,
                      String trigger) {
        this(id, projectId, status, target, branch, requestedCommit, commitSha, commitMessage, error, stats, routeConfig,
                createdAt, startedAt, finishedAt, author, trigger, null);
    }

    /** This deployment as it is once released: READY with its route config and stats. */
    public Deployment ready(RouteConfig config, DeploymentStats releasedStats, Instant at) {
        return new Deployment(id, projectId, DeploymentStatus.READY, target, branch, requestedCommit, commitSha, commitMessage,
                null, releasedStats, config, createdAt, startedAt, at, author, trigger, initiator, functions, backends);
    }

    /** This deployment with its functions made runnable at {@code runBackends}. */
    public Deployment withFunctions(FunctionManifest manifest, Map<String, String> runBackends) {
        return new Deployment(id, projectId, status, target, branch, requestedCommit, commitSha, commitMessage, error,
                stats, routeConfig, createdAt, startedAt, finishedAt, author, trigger, initiator, manifest, runBackends);
    }

    public String prefix() {
        return "sites/" + projectId + "/" + id + "/";
    }
}
