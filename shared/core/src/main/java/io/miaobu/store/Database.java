package io.miaobu.store;

import io.miaobu.auth.UserStore;
import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.DeployHookStore;
import io.miaobu.deploy.DeploymentFileStore;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.github.GitHubStore;
import io.miaobu.envvars.EnvVarStore;
import io.miaobu.projects.ProjectStore;

/** The Database port: one store per aggregate, all over the same connection pool. */
public interface Database {
    UserStore users();

    ProjectStore projects();

    DeploymentStore deployments();

    BuildLogStore logs();

    GitHubStore github();

    DeployHookStore deployHooks();
    EnvVarStore envVars();

    DeploymentFileStore files();

    io.miaobu.domains.DomainStore domains();

    io.miaobu.limits.RateLimitStore rateLimits();

    /** What deployments' functions print (local mode's workers write here). */
    io.miaobu.dynamic.FunctionLogStore functionLogs();
}
