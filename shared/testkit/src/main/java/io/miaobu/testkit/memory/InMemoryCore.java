package io.miaobu.testkit.memory;

import io.miaobu.auth.AuthService;
import io.miaobu.auth.PasswordHasher;
import io.miaobu.auth.SessionTokens;
import io.miaobu.auth.SignInLimits;
import io.miaobu.auth.User;
import io.miaobu.config.LimitSettings;
import io.miaobu.limits.Throttle;
import io.miaobu.deploy.DeploymentService;
import io.miaobu.deploy.Initiator;
import io.miaobu.deploy.ContentStore;
import io.miaobu.deploy.Publisher;
import io.miaobu.deploy.Release;
import io.miaobu.functions.FunctionCleanup;
import io.miaobu.edge.Hosts;
import io.miaobu.envvars.EnvVarService;
import io.miaobu.projects.ProjectService;
import io.miaobu.secrets.AesGcmSecrets;
import io.miaobu.secrets.Secrets;
import io.miaobu.testkit.StoreFixtures;
import io.miaobu.testkit.TestClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The core services wired to in-memory adapters and a {@link TestClock}: what a unit test of the
 * core needs (projects, deployments, env vars, sign-in), built in microseconds, with every adapter exposed so the test can look behind the
 * service. Secrets are the real AES-GCM ones, under a key made for this instance.
 */
public final class InMemoryCore {
    public final TestClock clock = new TestClock(Instant.parse("2026-12-01T09:00:00Z"));
    public final InMemoryProjectStore projectStore = new InMemoryProjectStore();
    public final InMemoryDeploymentStore deploymentStore = new InMemoryDeploymentStore();
    public final InMemoryEnvVarStore envVarStore = new InMemoryEnvVarStore();
    public final InMemoryJobQueue queue = new InMemoryJobQueue(clock);
    public final InMemoryRouteTable routes = new InMemoryRouteTable();
    public final InMemoryArtifactStore artifacts = new InMemoryArtifactStore();
    /** Every batch of hosts whose cached copies were purged, in order. */
    public final List<List<String>> purges = Collections.synchronizedList(new ArrayList<>());
    public final Hosts hosts = new Hosts("miaobu.test", "https", Optional.empty());
    public final Secrets secrets = new AesGcmSecrets(randomKey());
    public final Publisher publisher = new Publisher(routes, batch -> purges.add(List.copyOf(batch)), projectStore,
            hosts, clock);
    public final ProjectService projects = new ProjectService(projectStore, deploymentStore, artifacts, publisher,
            false, clock);
    public final DeploymentService deployments = new DeploymentService(projects, projectStore, deploymentStore, queue,
            publisher, user -> Initiator.user(user.id(), "login-" + user.id(), null), clock);
    public final EnvVarService envVars = new EnvVarService(projects, envVarStore, secrets, clock);
    public final InMemoryUserStore userStore = new InMemoryUserStore();
    public final InMemoryRateLimitStore rateLimits = new InMemoryRateLimitStore();
    /** Three sign-in attempts per account in 15 minutes (and 15 per address); two registrations per address an hour. */
    public final LimitSettings limits = new LimitSettings(Duration.ofSeconds(30), 64, 64, 8, Duration.ofSeconds(2),
            3, Duration.ofMinutes(15), 2, 60);
    /** Runs no function but records every deploy and delete; project deletion deletes through it as in Platform. */
    public final RecordingFunctionHost functionHost = new RecordingFunctionHost();
    public final InMemoryDatabase database = new InMemoryDatabase(this);
    /** The release every build and folder deployment ends with, its functions run by {@link #functionHost}. */
    public final Release release = new Release(database, artifacts, new ContentStore(artifacts, database.files(), clock),
            publisher, functionHost, envVars::forBuild, clock);
    public final SessionTokens tokens = new SessionTokens(randomKey(), Duration.ofDays(7), clock);
    public final AuthService auth = new AuthService(userStore, new PasswordHasher(), tokens, clock,
            new SignInLimits(new Throttle(rateLimits, clock), limits));

    {
        FunctionCleanup.onProjectDelete(projects, deploymentStore, functionHost);
    }

    /** A signed-in user, new each call. */
    public User user() {
        String id = StoreFixtures.id("usr");
        return new User(id, id + "@example.com", "$2a$10$hash", clock.instant());
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
