package io.miaobu.testkit.memory;

import io.miaobu.deploy.CommitAuthor;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.edge.RouteConfig;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.store.DuplicateKeyException;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Deployments in a map. Every change is made under one lock and only when the deployment is in one
 * of the statuses asked for, as the conditional UPDATEs do, so racing callers still get one winner.
 */
public final class InMemoryDeploymentStore implements DeploymentStore {
    private static final Comparator<Deployment> OLDEST_FIRST =
            Comparator.comparing(Deployment::createdAt).thenComparing(Deployment::id);
    private static final Comparator<Deployment> NEWEST_FIRST = OLDEST_FIRST.reversed();

    private final Map<String, Deployment> byId = new LinkedHashMap<>();
    private final Set<String> releaseClaimed = new HashSet<>();

    @Override
    public synchronized void insert(Deployment d) {
        if (byId.containsKey(d.id())) {
            throw new DuplicateKeyException("deployment " + d.id(), null);
        }
        byId.put(d.id(), new Deployment(d.id(), d.projectId(), d.status(), d.target(), d.branch(), d.requestedCommit(),
                d.commitSha(), d.commitMessage(), d.error(), d.stats(), d.routeConfig(), Micros.of(d.createdAt()),
                Micros.of(d.startedAt()), Micros.of(d.finishedAt()), d.author(), d.trigger(), d.initiator(), d.functions(), d.backends()));
    }

    @Override
    public synchronized Optional<Deployment> findById(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<Deployment> listByProject(String projectId, int limit) {
        return select(d -> d.projectId().equals(projectId), NEWEST_FIRST).stream().limit(Math.max(0, limit)).toList();
    }

    @Override
    public synchronized List<Deployment> newestOfProjects(Collection<String> projectIds) {
        return select(d -> projectIds.contains(d.projectId()), NEWEST_FIRST).stream()
                .collect(Collectors.toMap(Deployment::projectId, d -> d, (newer, older) -> newer, LinkedHashMap::new))
                .values().stream().toList();
    }

    /** Stamps started_at when moving to BUILDING and finished_at when {@code to} is final. */
    @Override
    public synchronized boolean transition(String id, Collection<DeploymentStatus> from, DeploymentStatus to, Instant at) {
        Instant micros = Micros.of(at);
        return change(id, from, d -> new Deployment(d.id(), d.projectId(), to, d.target(), d.branch(), d.requestedCommit(),
                d.commitSha(), d.commitMessage(), d.error(), d.stats(), d.routeConfig(), d.createdAt(),
                to == DeploymentStatus.BUILDING ? micros : d.startedAt(), to.isFinal() ? micros : d.finishedAt(),
                d.author(), d.trigger(), d.initiator(), d.functions(), d.backends()));
    }

    @Override
    public synchronized boolean finish(String id, Collection<DeploymentStatus> from, DeploymentStatus to, String error,
                                       DeploymentStats stats, Instant at) {
        return change(id, from, d -> new Deployment(d.id(), d.projectId(), to, d.target(), d.branch(), d.requestedCommit(),
                d.commitSha(), d.commitMessage(), error, stats, d.routeConfig(), d.createdAt(), d.startedAt(),
                Micros.of(at), d.author(), d.trigger(), d.initiator(), d.functions(), d.backends()));
    }

    @Override
    public synchronized boolean claimRelease(String id, Instant at) {
        Deployment d = byId.get(id);
        return d != null && d.status() == DeploymentStatus.UPLOADING && releaseClaimed.add(id);
    }

    /** A blank {@code authorName} keeps the name recorded before; login and avatar always stay. */
    @Override
    public synchronized void recordCommit(String id, String commitSha, String commitMessage, String authorName) {
        String name = authorName == null || authorName.isBlank() ? null : authorName.strip();
        byId.computeIfPresent(id, (k, d) -> {
            CommitAuthor a = d.author();
            CommitAuthor author = CommitAuthor.of(name != null ? name : a == null ? null : a.name(),
                    a == null ? null : a.login(), a == null ? null : a.avatarUrl());
            return new Deployment(d.id(), d.projectId(), d.status(), d.target(), d.branch(), d.requestedCommit(),
                    commitSha, commitMessage, d.error(), d.stats(), d.routeConfig(), d.createdAt(), d.startedAt(),
                    d.finishedAt(), author, d.trigger(), d.initiator(), d.functions(), d.backends());
        });
    }

    @Override
    public synchronized void recordRouteConfig(String id, RouteConfig config) {
        byId.computeIfPresent(id, (k, d) -> new Deployment(d.id(), d.projectId(), d.status(), d.target(), d.branch(),
                d.requestedCommit(), d.commitSha(), d.commitMessage(), d.error(), d.stats(), config, d.createdAt(),
                d.startedAt(), d.finishedAt(), d.author(), d.trigger(), d.initiator(), d.functions(), d.backends()));
    }

    @Override
    public synchronized void recordFunctions(String id, FunctionManifest functions, Map<String, String> backends) {
        byId.computeIfPresent(id, (k, d) -> d.withFunctions(functions, backends));
    }

    @Override
    public synchronized List<Deployment> listStale(DeploymentStatus status, Instant before) {
        return select(d -> d.status() == status
                && (d.startedAt() != null ? d.startedAt() : d.createdAt()).isBefore(before), OLDEST_FIRST);
    }

    @Override
    public synchronized Optional<Deployment> newestReady(String projectId, String branch) {
        return select(d -> d.projectId().equals(projectId) && branch.equals(d.branch())
                && d.status() == DeploymentStatus.READY, NEWEST_FIRST).stream().findFirst();
    }

    @Override
    public synchronized List<Deployment> listQueued(String projectId, String branch) {
        return select(d -> d.projectId().equals(projectId) && branch.equals(d.branch())
                && d.status() == DeploymentStatus.QUEUED, OLDEST_FIRST);
    }

    @Override
    public synchronized List<Deployment> listByCommit(String projectId, String commitSha) {
        return select(d -> d.projectId().equals(projectId)
                && (commitSha.equals(d.requestedCommit()) || commitSha.equals(d.commitSha())), NEWEST_FIRST);
    }

    private boolean change(String id, Collection<DeploymentStatus> from, UnaryOperator<Deployment> to) {
        Deployment d = byId.get(id);
        if (d == null || !from.contains(d.status())) {
            return false;
        }
        byId.put(id, to.apply(d));
        return true;
    }

    private List<Deployment> select(Predicate<Deployment> which, Comparator<Deployment> order) {
        return byId.values().stream().filter(which).sorted(order).toList();
    }

    @Override
    public synchronized List<String> projectsWithFinishedBefore(Instant before) {
        return select(d -> d.status().isFinal() && d.createdAt().isBefore(before), OLDEST_FIRST).stream()
                .map(Deployment::projectId).distinct().sorted().toList();
    }

    @Override
    public synchronized boolean delete(String id) {
        releaseClaimed.remove(id);
        return byId.remove(id) != null;
    }
}
