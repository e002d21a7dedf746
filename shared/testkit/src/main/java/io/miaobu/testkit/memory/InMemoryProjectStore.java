package io.miaobu.testkit.memory;

import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import io.miaobu.store.DuplicateKeyException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Projects in a map; ids and slugs are unique as the table's constraints make them. */
public final class InMemoryProjectStore implements ProjectStore {
    private static final Comparator<Project> NEWEST_FIRST =
            Comparator.comparing(Project::createdAt).thenComparing(Project::id).reversed();

    private final Map<String, Project> byId = new LinkedHashMap<>();

    @Override
    public synchronized void insert(Project project) {
        if (byId.containsKey(project.id()) || slugTaken(project.slug(), null)) {
            throw new DuplicateKeyException("project " + project.id() + " / slug " + project.slug(), null);
        }
        byId.put(project.id(), stored(project));
    }

    @Override
    public synchronized Optional<Project> findById(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<Project> findBySlug(String slug) {
        return byId.values().stream().filter(p -> p.slug().equals(slug)).findFirst();
    }

    @Override
    public synchronized List<Project> listByOwner(String ownerId) {
        return byId.values().stream().filter(p -> p.ownerId().equals(ownerId)).sorted(NEWEST_FIRST).toList();
    }

    /** Like the UPDATE: never the owner, the live deployment or the creation time. */
    @Override
    public synchronized void update(Project p) {
        Project old = byId.get(p.id());
        if (old == null) {
            return;
        }
        if (slugTaken(p.slug(), p.id())) {
            throw new DuplicateKeyException("project " + p.id() + " / slug " + p.slug(), null);
        }
        byId.put(p.id(), stored(new Project(p.id(), old.ownerId(), p.name(), p.slug(), p.gitUrl(), p.githubRepository(),
                p.productionBranch(), p.rootDirectory(), p.installCommand(), p.buildCommand(), p.outputDirectory(),
                p.autoPublish(), old.liveDeploymentId(), old.createdAt(), p.updatedAt())));
    }

    @Override
    public synchronized boolean setLiveDeployment(String projectId, String deploymentId) {
        Project old = byId.get(projectId);
        if (old == null) {
            return false;
        }
        byId.put(projectId, old.withLiveDeploymentId(deploymentId));
        return true;
    }

    @Override
    public synchronized void delete(String id) {
        byId.remove(id);
    }

    private boolean slugTaken(String slug, String exceptId) {
        return byId.values().stream().anyMatch(p -> p.slug().equals(slug) && !p.id().equals(exceptId));
    }

    // timestamptz keeps microseconds: what reads back is what PostgreSQL would give.
    private static Project stored(Project p) {
        return new Project(p.id(), p.ownerId(), p.name(), p.slug(), p.gitUrl(), p.githubRepository(), p.productionBranch(),
                p.rootDirectory(), p.installCommand(), p.buildCommand(), p.outputDirectory(), p.autoPublish(),
                p.liveDeploymentId(), Micros.of(p.createdAt()), Micros.of(p.updatedAt()));
    }
}
