package io.miaobu.deploy;

import io.miaobu.Sha256;
import io.miaobu.Ids;
import io.miaobu.auth.User;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService;
import io.miaobu.projects.ProjectStore;
import io.miaobu.projects.Validation;
import java.time.Clock;
import java.util.List;

/**
 * Deploy hooks: a secret URL per (project, branch) that anyone holding it may POST to, e.g. a CMS
 * after publishing, to build the branch's head. The URL's token has 160 random bits; only its
 * SHA-256 is stored, so the database cannot give the URLs away.
 */
public final class DeployHooks {
    private static final int TOKEN_CHARS = 32;

    private final ProjectService projectService;
    private final ProjectStore projects;
    private final DeployHookStore hooks;
    private final DeploymentService deployments;
    private final String publicUrl;
    private final Clock clock;

    public DeployHooks(ProjectService projectService, ProjectStore projects, DeployHookStore hooks,
                       DeploymentService deployments, String publicUrl, Clock clock) {
        this.projectService = projectService;
        this.projects = projects;
        this.hooks = hooks;
        this.deployments = deployments;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    public record Created(DeployHook hook, String url) {}

    public record Triggered(Project project, Deployment deployment) {}

    public Created create(User user, String projectId, String name, String branch) {
        Project project = projectService.owned(user, projectId);
        if (name == null || name.isBlank() || name.trim().length() > 100) {
            throw ApiError.invalid("invalid_name", "name", "A deploy hook needs a name of 1 to 100 characters, e.g. \"CMS\".");
        }
        String validBranch = Validation.branch("branch", branch == null ? project.productionBranch() : branch.trim());
        String token = Ids.token(TOKEN_CHARS);
        DeployHook hook = new DeployHook(Ids.deployHook(), project.id(), name.trim(), validBranch,
                hash(token), clock.instant());
        hooks.insert(hook);
        return new Created(hook, publicUrl + "/hooks/deploy/" + token);
    }

    public List<DeployHook> list(User user, String projectId) {
        return hooks.listByProject(projectService.owned(user, projectId).id());
    }

    public void delete(User user, String projectId, String hookId) {
        if (!hooks.delete(projectService.owned(user, projectId).id(), hookId)) {
            throw ApiError.notFound("Deploy hook " + hookId);
        }
    }

    /** Builds the hook's branch head; an unknown token is a 404 that reveals nothing. */
    public Triggered trigger(String token) {
        DeployHook hook = hooks.findByTokenHash(hash(token))
                .orElseThrow(() -> ApiError.notFound("Deploy hook"));
        Project project = projects.findById(hook.projectId()).orElseThrow(() -> ApiError.notFound("Deploy hook"));
        return new Triggered(project, deployments.enqueueNewest(project, hook.branch(), null, null, Deployment.BY_HOOK,
                Initiator.hook(hook.name())));
    }

    static String hash(String token) {
        return Sha256.hex(token);
    }
}
