package io.miaobu.testkit.memory;

import io.miaobu.auth.UserStore;
import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.DeployHookStore;
import io.miaobu.deploy.DeploymentFileStore;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.domains.DomainStore;
import io.miaobu.envvars.EnvVarStore;
import io.miaobu.github.GitHubStore;
import io.miaobu.limits.RateLimitStore;
import io.miaobu.projects.ProjectStore;
import io.miaobu.store.Database;
import java.lang.reflect.Proxy;

/**
 * The {@link Database} port over {@link InMemoryCore}'s stores, for services that take the whole database
 * (a release). Stores no in-memory adapter exists for refuse every call, naming themselves, so a test that
 * reaches one fails at once rather than passing on a silent no-op.
 */
public final class InMemoryDatabase implements Database {
    private final InMemoryCore core;
    private final InMemoryBuildLogStore logs = new InMemoryBuildLogStore();
    private final InMemoryFunctionLogStore functionLogs = new InMemoryFunctionLogStore();

    InMemoryDatabase(InMemoryCore core) {
        this.core = core;
    }

    @Override
    public UserStore users() {
        return core.userStore;
    }

    @Override
    public ProjectStore projects() {
        return core.projectStore;
    }

    @Override
    public DeploymentStore deployments() {
        return core.deploymentStore;
    }

    @Override
    public InMemoryBuildLogStore logs() {
        return logs;
    }

    @Override
    public GitHubStore github() {
        return notHeld(GitHubStore.class);
    }

    @Override
    public DeployHookStore deployHooks() {
        return notHeld(DeployHookStore.class);
    }

    @Override
    public EnvVarStore envVars() {
        return core.envVarStore;
    }

    @Override
    public DeploymentFileStore files() {
        return notHeld(DeploymentFileStore.class);
    }

    @Override
    public DomainStore domains() {
        return notHeld(DomainStore.class);
    }

    @Override
    public RateLimitStore rateLimits() {
        return core.rateLimits;
    }

    @Override
    public InMemoryFunctionLogStore functionLogs() {
        return functionLogs;
    }

    private static <T> T notHeld(Class<T> port) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getName().equals("toString")) {
                return "not held in memory: " + port.getSimpleName();
            }
            throw new UnsupportedOperationException(port.getSimpleName() + " has no in-memory adapter (" + method.getName() + ")");
        }));
    }
}
