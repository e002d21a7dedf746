package io.miaobu.projects;

import java.util.List;
import java.util.Optional;

public interface ProjectStore {
    /** @throws io.miaobu.store.DuplicateKeyException when the slug is taken */
    void insert(Project project);

    Optional<Project> findById(String id);

    Optional<Project> findBySlug(String slug);

    /** Newest first. */
    List<Project> listByOwner(String ownerId);

    /** Writes every settable column (name, slug, build settings, autoPublish) and updatedAt. */
    void update(Project project);

    /** Points the project at a live deployment; false when the project no longer exists. */
    boolean setLiveDeployment(String projectId, String deploymentId);

    /** Deletes the project row; its deployments, logs and jobs go with it (ON DELETE CASCADE). */
    void delete(String id);
}
