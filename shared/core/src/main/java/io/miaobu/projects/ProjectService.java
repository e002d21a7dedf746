package io.miaobu.projects;

import io.miaobu.Ids;
import io.miaobu.auth.User;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.deploy.Publisher;
import io.miaobu.errors.ApiError;
import io.miaobu.store.ArtifactStore;
import io.miaobu.store.DuplicateKeyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/** Creating, changing and deleting projects, always on behalf of their owner. */
public final class ProjectService {
    /** How many slugs ({@code blog}, {@code blog-2}, ...) a new project tries before giving up. */
    public static final int SLUG_ATTEMPTS = 50;

    private final ProjectStore projects;
    private final DeploymentStore deployments;
    private final ArtifactStore artifacts;
    private final Publisher publisher;
    private final boolean allowLocalRepositories;
    private final Clock clock;
    private final RepositoryConnector connector;
    private final List<java.util.function.Consumer<Project>> onDelete = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs {@code cleanUp} for every project being deleted, before its rows go (custom domains leave the edge). */
    public void onDelete(java.util.function.Consumer<Project> cleanUp) {
        onDelete.add(cleanUp);
    }

    public ProjectService(ProjectStore projects, DeploymentStore deployments, ArtifactStore artifacts,
                          Publisher publisher, boolean allowLocalRepositories, Clock clock) {
        this(projects, deployments, artifacts, publisher, allowLocalRepositories, clock, RepositoryConnector.NONE);
    }

    public ProjectService(ProjectStore projects, DeploymentStore deployments, ArtifactStore artifacts,
                          Publisher publisher, boolean allowLocalRepositories, Clock clock,
                          RepositoryConnector connector) {
        this.connector = connector;
        this.projects = projects;
        this.deployments = deployments;
        this.artifacts = artifacts;
        this.publisher = publisher;
        this.allowLocalRepositories = allowLocalRepositories;
        this.clock = clock;
    }

    public record NewProject(String name, String gitUrl, String githubRepository, String productionBranch,
                             String rootDirectory, String installCommand, String buildCommand,
                             String outputDirectory, Boolean autoPublish) {}

    public Project create(User owner, NewProject asked) {
        NewProject request = connector.prepare(owner, asked);
        String name = Validation.name(request.name());
        // Without a Git repository a project takes folder deployments only (`./miaobu deploy DIR`).
        String gitUrl = request.gitUrl() == null ? null
                : Validation.existingLocalRepository(Validation.gitUrl(request.gitUrl(), allowLocalRepositories));
        String branch = Validation.branch("productionBranch",
                request.productionBranch() == null ? "main" : request.productionBranch().trim());
        Instant now = clock.instant();
        String slug = Slugs.fromName(name);
        if (Slugs.isReserved(slug)) {
            throw ApiError.invalid("reserved_name", "name", "The name \"" + name + "\" would give the address " + slug
                    + ", which is reserved for the platform's own use; choose another name (for example \"" + slug
                    + "-site\").");
        }
        for (int attempt = 1; attempt <= SLUG_ATTEMPTS; attempt++) {
            String candidate = Slugs.candidate(slug, attempt);
            Project project = new Project(Ids.project(), owner.id(), name, candidate, gitUrl,
                    request.githubRepository(), branch,
                    Validation.relativeDirectory("rootDirectory", request.rootDirectory()),
                    Validation.command("installCommand", request.installCommand()),
                    Validation.command("buildCommand", request.buildCommand()),
                    Validation.relativeDirectory("outputDirectory", request.outputDirectory()),
                    request.autoPublish() == null || request.autoPublish(), null, now, now);
            try {
                projects.insert(project);
            } catch (DuplicateKeyException e) {
                continue; // slug taken: try the next suffix
            }
            try {
                connector.connected(owner, project);
            } catch (RuntimeException e) {
                projects.delete(project.id());
                throw e;
            }
            return project;
        }
        throw ApiError.conflict("slug_taken", "Too many projects are named like \"" + name + "\"; choose another name.");
    }

    /** The caller's project; someone else's is indistinguishable from a missing one (404). */
    public Project owned(User user, String projectId) {
        return projects.findById(projectId)
                .filter(p -> p.ownerId().equals(user.id()))
                .orElseThrow(() -> ApiError.notFound("Project " + projectId));
    }

    public List<Project> list(User user) {
        return projects.listByOwner(user.id());
    }

    public Project update(User user, String projectId, ProjectChanges changes) {
        Project p = owned(user, projectId);
        Project updated = new Project(p.id(), p.ownerId(),
                changes.name().map(Validation::name).orElse(p.name()),
                p.slug(),
                changes.gitUrl().map(u -> Validation.existingLocalRepository(Validation.gitUrl(u, allowLocalRepositories))).orElse(p.gitUrl()),
                p.githubRepository(),
                changes.productionBranch().map(b -> Validation.branch("productionBranch", b)).orElse(p.productionBranch()),
                changes.rootDirectory().isSet() ? Validation.relativeDirectory("rootDirectory", changes.rootDirectory().value()) : p.rootDirectory(),
                changes.installCommand().isSet() ? Validation.command("installCommand", changes.installCommand().value()) : p.installCommand(),
                changes.buildCommand().isSet() ? Validation.command("buildCommand", changes.buildCommand().value()) : p.buildCommand(),
                changes.outputDirectory().isSet() ? Validation.relativeDirectory("outputDirectory", changes.outputDirectory().value()) : p.outputDirectory(),
                changes.autoPublish().orElse(p.autoPublish()),
                p.liveDeploymentId(), p.createdAt(), clock.instant());
        projects.update(updated);
        return updated;
    }

    /**
     * Stops its builds, takes its sites off the edge, deletes its rows and then its files. A build
     * finishing meanwhile finds its row gone and removes what it uploaded itself.
     */
    public void delete(User user, String projectId) {
        Project project = owned(user, projectId);
        List<Deployment> all = deployments.listByProject(project.id(), Integer.MAX_VALUE);
        for (Deployment d : all) {
            if (!d.status().isFinal()) {
                deployments.finish(d.id(), EnumSet.of(DeploymentStatus.QUEUED, DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING),
                        DeploymentStatus.CANCELED, "The project was deleted.", d.stats(), clock.instant());
            }
        }
        publisher.unpublishAll(project, all);
        onDelete.forEach(cleanUp -> cleanUp.accept(project));
        connector.disconnecting(project);
        projects.delete(project.id());
        try {
            artifacts.deletePrefix("sites/" + project.id() + "/");
            artifacts.deletePrefix("cache/" + project.id() + "/"); // its build cache (io.miaobu.build.BuildCache)
        } catch (IOException e) {
            throw new UncheckedIOException("project rows deleted but its files remain under sites/" + project.id() + "/", e);
        }
    }
}
