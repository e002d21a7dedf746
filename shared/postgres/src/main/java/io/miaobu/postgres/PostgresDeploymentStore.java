package io.miaobu.postgres;

import io.miaobu.deploy.CommitAuthor;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.deploy.Initiator;
import io.miaobu.edge.RouteConfig;
import io.miaobu.dynamic.FunctionManifest;
import java.util.Map;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Deployments in PostgreSQL. {@link #transition} and {@link #finish} are single conditional UPDATEs
 * ({@code WHERE id = :id AND status = ANY(:from)}), so concurrent callers resolve to exactly one winner.
 */
public final class PostgresDeploymentStore implements DeploymentStore {
    private final DeploymentDao dao;

    public PostgresDeploymentStore(DeploymentDao dao) {
        this.dao = dao;
    }

    @Override
    public void insert(Deployment d) {
        DeploymentStats s = d.stats();
        CommitAuthor a = d.author();
        Initiator i = d.initiator();
        Sql.translatingDuplicates("deployment " + d.id(), () -> dao.insert(d.id(), d.projectId(), d.status(),
                d.target(), d.branch(), d.requestedCommit(), d.commitSha(), d.commitMessage(), d.error(),
                s == null ? null : s.files(), s == null ? null : s.bytes(),
                s == null ? null : s.uploadedFiles(), s == null ? null : s.uploadedBytes(),
                Json.write(d.routeConfig()), d.createdAt(), d.startedAt(), d.finishedAt(),
                a == null ? null : a.name(), a == null ? null : a.login(), a == null ? null : a.avatarUrl(), d.trigger(),
                i == null ? null : i.userId(), i == null ? null : i.login(), i == null ? null : i.avatarUrl(),
                i == null ? null : i.hookName()));
    }

    @Override
    public Optional<Deployment> findById(String id) {
        return dao.findById(id);
    }

    @Override
    public List<Deployment> listByProject(String projectId, int limit) {
        return dao.listByProject(projectId, Math.max(0, limit));
    }

    @Override
    public List<Deployment> newestOfProjects(Collection<String> projectIds) {
        return projectIds.isEmpty() ? List.of() : dao.newestOfProjects(projectIds.toArray(String[]::new));
    }

    /**
     * Also stamps finished_at when {@code to} is final (e.g. QUEUED -&gt; CANCELED without going through
     * {@link #finish}).
     */
    @Override
    public boolean transition(String id, Collection<DeploymentStatus> from, DeploymentStatus to, Instant at) {
        Instant startedAt = to == DeploymentStatus.BUILDING ? at : null;
        Instant finishedAt = to.isFinal() ? at : null;
        return dao.transition(id, Sql.names(from), to, startedAt, finishedAt) > 0;
    }

    @Override
    public boolean finish(String id, Collection<DeploymentStatus> from, DeploymentStatus to, String error,
                          DeploymentStats stats, Instant at) {
        return dao.finish(id, Sql.names(from), to, error,
                stats == null ? null : stats.files(), stats == null ? null : stats.bytes(),
                stats == null ? null : stats.uploadedFiles(), stats == null ? null : stats.uploadedBytes(),
                at) > 0;
    }

    @Override
    public boolean claimRelease(String id, Instant at) {
        return dao.claimRelease(id, at) > 0;
    }

    @Override
    public void recordCommit(String id, String commitSha, String commitMessage, String authorName) {
        dao.recordCommit(id, commitSha, commitMessage, authorName == null || authorName.isBlank() ? null : authorName.strip());
    }

    @Override
    public void recordRouteConfig(String id, RouteConfig config) {
        dao.recordRouteConfig(id, Json.write(config));
    }

    @Override
    public void recordFunctions(String id, FunctionManifest functions, Map<String, String> backends) {
        dao.recordFunctions(id, Json.write(functions), Json.write(backends == null || backends.isEmpty() ? null : backends));
    }

    @Override
    public List<Deployment> listStale(DeploymentStatus status, Instant before) {
        return dao.listStale(status, before);
    }

    @Override
    public Optional<Deployment> newestReady(String projectId, String branch) {
        return dao.newestReady(projectId, branch);
    }

    @Override
    public List<Deployment> listQueued(String projectId, String branch) {
        return dao.listQueued(projectId, branch);
    }

    @Override
    public List<Deployment> listByCommit(String projectId, String commitSha) {
        return dao.listByCommit(projectId, commitSha);
    }

    @Override
    public List<String> projectsWithFinishedBefore(Instant before) {
        return dao.projectsWithFinishedBefore(before);
    }

    @Override
    public boolean delete(String id) {
        return dao.delete(id) > 0;
    }
}
