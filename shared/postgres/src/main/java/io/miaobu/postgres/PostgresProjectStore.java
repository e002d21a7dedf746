package io.miaobu.postgres;

import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import java.util.List;
import java.util.Optional;

/** Projects in PostgreSQL; deleting one cascades to its deployments, logs and queued jobs. */
public final class PostgresProjectStore implements ProjectStore {
    private final ProjectDao dao;

    public PostgresProjectStore(ProjectDao dao) {
        this.dao = dao;
    }

    @Override
    public void insert(Project project) {
        Sql.translatingDuplicates("project " + project.id() + " / slug " + project.slug(), () -> dao.insert(project));
    }

    @Override
    public Optional<Project> findById(String id) {
        return dao.findById(id);
    }

    @Override
    public Optional<Project> findBySlug(String slug) {
        return dao.findBySlug(slug);
    }

    @Override
    public List<Project> listByOwner(String ownerId) {
        return dao.listByOwner(ownerId);
    }

    /** @throws io.miaobu.store.DuplicateKeyException when the new slug is taken by another project */
    @Override
    public void update(Project project) {
        Sql.translatingDuplicates("project " + project.id() + " / slug " + project.slug(), () -> dao.update(project));
    }

    @Override
    public boolean setLiveDeployment(String projectId, String deploymentId) {
        return dao.setLiveDeployment(projectId, deploymentId) > 0;
    }

    @Override
    public void delete(String id) {
        dao.delete(id);
    }
}
