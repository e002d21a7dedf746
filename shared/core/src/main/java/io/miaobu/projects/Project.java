package io.miaobu.projects;

import java.time.Instant;

/**
 * A site built from one Git repository. Build settings left null are detected at build time;
 * a value the user set always wins over detection.
 */
public record Project(
        String id,
        String ownerId,
        String name,
        String slug,
        String gitUrl,
        String githubRepository,
        String productionBranch,
        String rootDirectory,
        String installCommand,
        String buildCommand,
        String outputDirectory,
        boolean autoPublish,
        String liveDeploymentId,
        Instant createdAt,
        Instant updatedAt) {

    public Project withLiveDeploymentId(String deploymentId) {
        return new Project(id, ownerId, name, slug, gitUrl, githubRepository, productionBranch, rootDirectory,
                installCommand, buildCommand, outputDirectory, autoPublish, deploymentId, createdAt, updatedAt);
    }

    public Project withAutoPublish(boolean on, Instant at) {
        return new Project(id, ownerId, name, slug, gitUrl, githubRepository, productionBranch, rootDirectory,
                installCommand, buildCommand, outputDirectory, on, liveDeploymentId, createdAt, at);
    }
}
