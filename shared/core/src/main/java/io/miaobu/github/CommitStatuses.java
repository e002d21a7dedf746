package io.miaobu.github;

import io.miaobu.build.BuildIntegration;
import io.miaobu.build.SourceFetcher;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.edge.Hosts;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The builder's GitHub side, for projects imported from GitHub: clones with the owner's token
 * (only ever sent to the GitHub host itself), and reports the build on the commit as a status
 * named {@code miaobu/{slug}}: pending while it builds, success with the deployment's URL,
 * failure or error with a link to its log.
 */
public final class CommitStatuses implements BuildIntegration {
    private static final Logger LOG = LoggerFactory.getLogger(CommitStatuses.class);
    /** GitHub accepts any user name with an OAuth token as the password; this one documents what it is. */
    static final String TOKEN_USER = "x-access-token";

    private final GitHub github;
    private final GitHubAccounts accounts;
    private final GitHubStore store;
    private final ProjectStore projects;
    private final DeploymentStore deployments;
    private final Hosts hosts;
    private final String publicUrl;
    private final String githubHost;

    public CommitStatuses(GitHub github, GitHubAccounts accounts, GitHubStore store, ProjectStore projects,
                          DeploymentStore deployments, Hosts hosts, String publicUrl, String githubWebUrl) {
        this.github = github;
        this.accounts = accounts;
        this.store = store;
        this.projects = projects;
        this.deployments = deployments;
        this.hosts = hosts;
        this.publicUrl = publicUrl;
        this.githubHost = hostOf(githubWebUrl);
    }

    @Override
    public SourceFetcher.Credentials credentials(Project project) {
        try {
            if (store.linkOfProject(project.id()).isEmpty() || githubHost == null
                    || !githubHost.equals(hostOf(project.gitUrl()))) {
                return null; // never hand the token to a host other than GitHub's
            }
            return accounts.tokenOf(project.ownerId()).map(t -> new SourceFetcher.Credentials(TOKEN_USER, t)).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("could not read the GitHub token for project {}: {}", project.id(), e.getMessage());
            return null;
        }
    }

    @Override
    public void started(Project project, String deploymentId) {
        report(deploymentId, d -> new GitHub.CommitStatus("pending", logUrl(d),
                "Building " + d.target() + " from " + d.branch() + "…", null));
    }

    @Override
    public void finished(String deploymentId) {
        report(deploymentId, d -> switch (d.status()) {
            case READY -> new GitHub.CommitStatus("success", null, Deployment.PRODUCTION.equals(d.target())
                    ? "Deployed to production" : "Preview ready", null);
            case FAILED -> new GitHub.CommitStatus("failure", logUrl(d),
                    d.error() == null ? "The build failed" : d.error(), null);
            case CANCELED -> new GitHub.CommitStatus("error", logUrl(d),
                    d.error() == null ? "Canceled" : d.error(), null);
            default -> null;
        });
    }

    private interface StatusFor {
        GitHub.CommitStatus of(Deployment deployment);
    }

    private void report(String deploymentId, StatusFor statusFor) {
        try {
            Optional<Deployment> deployment = deployments.findById(deploymentId);
            if (deployment.isEmpty()) {
                return;
            }
            Deployment d = deployment.get();
            String sha = d.commitSha() != null ? d.commitSha() : d.requestedCommit();
            Optional<Project> project = projects.findById(d.projectId());
            Optional<RepositoryLink> link = store.linkOfProject(d.projectId());
            GitHub.CommitStatus status = statusFor.of(d);
            if (sha == null || sha.length() != 40 || project.isEmpty() || link.isEmpty() || status == null) {
                return;
            }
            Optional<String> token = accounts.tokenOf(project.get().ownerId());
            if (token.isEmpty()) {
                return;
            }
            String target = status.targetUrl() != null ? status.targetUrl()
                    : hosts.url(hosts.deployment(d.id(), project.get().slug()));
            github.createStatus(token.get(), link.get().fullName(), sha, new GitHub.CommitStatus(status.state(), target,
                    status.description(), "miaobu/" + project.get().slug()));
        } catch (RuntimeException e) {
            LOG.warn("could not report deployment {} to GitHub: {}", deploymentId, e.getMessage());
        }
    }

    /** The dashboard's page for the deployment, which shows its log. */
    private String logUrl(Deployment d) {
        return publicUrl + "/deployments/" + d.id();
    }

    private static String hostOf(String url) {
        try {
            String host = URI.create(url.trim()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }
}
