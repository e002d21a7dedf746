package io.miaobu.api;

import io.miaobu.edge.Hosts;
import io.miaobu.projects.Project;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A project with its settings and production address; never its owner. */
@ApiSchema("Project")
public record ProjectView(
        String id,
        String name,
        String slug,
        @Nullable String gitUrl,
        @Nullable String githubRepository,
        String productionBranch,
        @Nullable String rootDirectory,
        @Nullable String installCommand,
        @Nullable String buildCommand,
        @Nullable String outputDirectory,
        boolean autoPublish,
        @Nullable String liveDeploymentId,
        String url,
        Instant createdAt,
        Instant updatedAt) {

    public static ProjectView of(Project p, Hosts hosts) {
        return new ProjectView(p.id(), p.name(), p.slug(), p.gitUrl(), p.githubRepository(), p.productionBranch(),
                p.rootDirectory(), p.installCommand(), p.buildCommand(), p.outputDirectory(), p.autoPublish(),
                p.liveDeploymentId(), hosts.url(hosts.production(p.slug())), p.createdAt(), p.updatedAt());
    }
}
