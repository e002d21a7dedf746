package io.miaobu.build;

import io.miaobu.projects.Project;

/**
 * What an integration adds to a build without the builder knowing it: credentials to clone with,
 * and hearing when a build starts and ends (GitHub commit statuses). Implementations must not
 * throw: a failing integration never fails a build.
 */
public interface BuildIntegration {
    BuildIntegration NONE = new BuildIntegration() {};

    /** Credentials for the project's repository, or null to clone anonymously. */
    default SourceFetcher.Credentials credentials(Project project) {
        return null;
    }

    /** The source is checked out (the deployment's commit is recorded) and the build begins. */
    default void started(Project project, String deploymentId) {}

    /** The deployment reached a final state (READY, FAILED or CANCELED). */
    default void finished(String deploymentId) {}
}
