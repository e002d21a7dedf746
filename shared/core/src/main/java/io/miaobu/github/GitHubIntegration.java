package io.miaobu.github;

import io.miaobu.auth.AuthService;
import io.miaobu.build.BuildIntegration;
import io.miaobu.config.GitHubSettings;
import io.miaobu.config.SecretKeys;
import io.miaobu.secrets.Secrets;
import io.miaobu.deploy.DeploymentService;
import io.miaobu.deploy.Publisher;
import io.miaobu.edge.Hosts;
import io.miaobu.http.Router;
import io.miaobu.projects.RepositoryConnector;
import io.miaobu.store.Database;
import java.time.Clock;
import java.util.HexFormat;

/**
 * The GitHub integration's pieces, wired once per instance: sign-in, repository import (a
 * project's connector), webhook intake, and the build integration (token, commit statuses).
 */
public final class GitHubIntegration {
    private final GitHubSettings settings;
    private final String publicUrl;
    private final GitHub github;
    private final Database database;
    private final Hosts hosts;
    private final Clock clock;
    private final GitHubAccounts accounts;
    private final GitHubProjects projects;
    private final OAuthState states;
    private final String webhookSecret;

    public GitHubIntegration(GitHubSettings settings, String publicUrl, SecretKeys keys, GitHub github, Database database,
                             Secrets secrets, Hosts hosts, Clock clock) {
        this.settings = settings;
        this.publicUrl = publicUrl;
        this.github = github;
        this.database = database;
        this.hosts = hosts;
        this.clock = clock;
        this.accounts = new GitHubAccounts(database.github(), secrets, clock);
        this.states = new OAuthState(keys.derive("github-oauth-state"), clock);
        // Without an operator-chosen secret, one derived from the master key: Miaobu creates the hooks, so nobody needs to type it.
        this.webhookSecret = settings.webhookSecret()
                .orElseGet(() -> HexFormat.of().formatHex(keys.derive("github-webhook-secret")));
        this.projects = new GitHubProjects(github, accounts, database.github(), publicUrl + "/webhooks/github",
                webhookSecret, clock);
    }

    public GitHubAccounts accounts() {
        return accounts;
    }

    /** What project creation and deletion do for a GitHub repository (the webhook). */
    public RepositoryConnector projects() {
        return projects;
    }

    public BuildIntegration buildIntegration() {
        return new CommitStatuses(github, accounts, database.github(), database.projects(), database.deployments(),
                hosts, publicUrl, settings.webUrl());
    }

    public void register(Router router, AuthService auth, DeploymentService deployments, Publisher publisher) {
        GitHubSignIn signIn = new GitHubSignIn(settings.signInEnabled(), publicUrl, github, accounts, database.github(),
                database.users(), auth, states, clock);
        WebhookIntake intake = new WebhookIntake(new WebhookSignature(webhookSecret), database.github(),
                database.projects(), database.deployments(), deployments, database.logs(), publisher, hosts, clock);
        GitHubRoutes.register(router, auth, signIn, accounts, github, intake);
    }
}
