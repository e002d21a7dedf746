package io.miaobu.deploy;

import io.miaobu.edge.RouteConfig;
import java.time.Instant;

/**
 * One immutable build of a project at one commit. {@code target} is "production" for the
 * production branch and "preview" otherwise; {@code commitSha} is known once the source is fetched.
 * {@code author} is null until someone says who wrote the commit (a push webhook, then the build).
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
        CommitAuthor author) {

    public static final String PRODUCTION = "production";
    public static final String PREVIEW = "preview";

    /** This deployment as it is once released: READY with its route config and stats. */
    public Deployment ready(RouteConfig config, DeploymentStats releasedStats, Instant at) {
        return new Deployment(id, projectId, DeploymentStatus.READY, target, branch, requestedCommit, commitSha, commitMessage,
                null, releasedStats, config, createdAt, startedAt, at, author);
    }

    public String prefix() {
        return "sites/" + projectId + "/" + id + "/";
    }
}
