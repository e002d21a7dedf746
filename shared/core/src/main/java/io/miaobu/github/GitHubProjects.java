package io.miaobu.github;

import io.miaobu.auth.User;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.projects.RepositoryConnector;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Importing a GitHub repository as a project: its clone URL and default branch fill in the
 * project, and its webhook (push + pull_request, JSON, the operator's secret, pointing at
 * {@code {public URL}/webhooks/github}) is created, or reused when one already points there.
 * Deleting the last project of a repository deletes the hook.
 */
public final class GitHubProjects implements RepositoryConnector {
    private static final Logger LOG = LoggerFactory.getLogger(GitHubProjects.class);
    private static final Pattern FULL_NAME = Pattern.compile("^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$");
    static final List<String> EVENTS = List.of("push", "pull_request");

    private final GitHub github;
    private final GitHubAccounts accounts;
    private final GitHubStore store;
    private final String webhookUrl;
    private final String webhookSecret;
    private final Clock clock;

    public GitHubProjects(GitHub github, GitHubAccounts accounts, GitHubStore store, String webhookUrl,
                          String webhookSecret, Clock clock) {
        this.github = github;
        this.accounts = accounts;
        this.store = store;
        this.webhookUrl = webhookUrl;
        this.webhookSecret = webhookSecret;
        this.clock = clock;
    }

    @Override
    public NewProject prepare(User owner, NewProject request) {
        if (request.githubRepository() == null) {
            return request;
        }
        GitHub.Repository repo = repository(owner, request.githubRepository());
        return new NewProject(
                request.name() == null ? repo.fullName().substring(repo.fullName().indexOf('/') + 1) : request.name(),
                repo.cloneUrl(), repo.fullName(),
                request.productionBranch() == null ? repo.defaultBranch() : request.productionBranch(),
                request.rootDirectory(), request.installCommand(), request.buildCommand(),
                request.outputDirectory(), request.autoPublish());
    }

    @Override
    public void connected(User owner, Project project) {
        if (project.githubRepository() == null) {
            return;
        }
        String token = accounts.requireToken(owner);
        GitHub.Repository repo = repository(owner, project.githubRepository());
        Long hookId;
        try {
            hookId = github.hooks(token, repo.fullName()).stream()
                    .filter(h -> webhookUrl.equals(h.url()))
                    .map(GitHub.Hook::id)
                    .findFirst()
                    .orElseGet(() -> github.createHook(token, repo.fullName(),
                            new GitHub.NewHook(webhookUrl, webhookSecret, EVENTS)).id());
        } catch (GitHubException e) {
            if (e.status() == 404 || e.status() == 403) {
                throw ApiError.unprocessable("github_hook_denied", "Miaobu could not add its webhook to "
                        + repo.fullName() + ": that needs admin access to the repository. Ask an admin of "
                        + repo.fullName() + " to import it, or to give you admin access.");
            }
            throw GitHubErrors.toHttp(e, "adding the webhook to " + repo.fullName());
        }
        store.saveLink(new RepositoryLink(project.id(), repo.id(), repo.fullName(), hookId, clock.instant()));
    }

    @Override
    public void disconnecting(Project project) {
        Optional<RepositoryLink> link = store.linkOfProject(project.id());
        if (link.isEmpty() || link.get().hookId() == null) {
            return;
        }
        boolean shared = store.linksOfRepository(link.get().repositoryId()).stream()
                .anyMatch(other -> !other.projectId().equals(project.id()));
        if (shared) {
            return; // another project still deploys from this repository through the same hook
        }
        try {
            Optional<String> token = accounts.tokenOf(project.ownerId());
            if (token.isPresent()) {
                github.deleteHook(token.get(), link.get().fullName(), link.get().hookId());
            }
        } catch (RuntimeException e) {
            LOG.warn("project {} deleted, but its webhook {} on {} could not be removed: {}", project.id(),
                    link.get().hookId(), link.get().fullName(), e.getMessage());
        }
    }

    private GitHub.Repository repository(User owner, String fullName) {
        String name = fullName.trim();
        if (!FULL_NAME.matcher(name).matches()) {
            throw ApiError.invalid("invalid_github_repository", "githubRepository",
                    "githubRepository must be \"owner/name\", like octocat/hello-world; got \"" + fullName + "\".");
        }
        String token = accounts.requireToken(owner);
        try {
            return github.repository(token, name);
        } catch (GitHubException e) {
            if (e.status() == 404) {
                throw new ApiError(404, "github_repository_not_found", "GitHub repository " + name
                        + " was not found, or your GitHub account cannot see it.");
            }
            throw GitHubErrors.toHttp(e, "reading " + name);
        }
    }
}
