package io.miaobu.projects;

import io.miaobu.auth.User;

/**
 * What a Git host integration (GitHub) adds to a project's life: filling in a new project's
 * settings from the repository it names, connecting the repository once the project exists
 * (its webhook), and disconnecting it when the project is deleted.
 */
public interface RepositoryConnector {
    RepositoryConnector NONE = new RepositoryConnector() {};

    /** The request with what the repository says filled in (clone URL, default branch); unchanged when it names none. */
    default ProjectService.NewProject prepare(User owner, ProjectService.NewProject request) {
        return request;
    }

    /** The project row exists; throwing here deletes it again and fails the creation with that error. */
    default void connected(User owner, Project project) {}

    /** The project is about to be deleted; must not throw (a Git host being down never blocks a delete). */
    default void disconnecting(Project project) {}
}
