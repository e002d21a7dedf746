package io.miaobu.testkit.memory;

import io.miaobu.auth.AuthService;
import io.miaobu.auth.PasswordHasher;
import io.miaobu.auth.SessionTokens;
import io.miaobu.auth.SignInLimits;
import io.miaobu.auth.User;
import io.miaobu.auth.UserStore;
import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.ContentStore;
import io.miaobu.deploy.DeployHookStore;
import io.miaobu.deploy.DeploymentFileStore;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.domains.DomainStore;
import io.miaobu.envvars.EnvVarStore;
import io.miaobu.github.GitHubStore;
import io.miaobu.github.WebhookIntake;
import io.miaobu.github.WebhookSignature;
import io.miaobu.limits.RateLimitStore;
import io.miaobu.projects.ProjectStore;
import io.miaobu.store.Database;
import io.miaobu.config.LimitSettings;
import io.miaobu.limits.Throttle;
import io.miaobu.config.DomainSettings;
import io.miaobu.deploy.DeployHooks;
import io.miaobu.deploy.DeploymentService;
import io.miaobu.deploy.Initiator;
import io.miaobu.deploy.Publisher;
import io.miaobu.deploy.Release;
import io.miaobu.dynamic.FunctionCleanup;
import io.miaobu.dynamic.FunctionLogStore;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.DomainJobs;
import io.miaobu.domains.DomainPorts;
import io.miaobu.domains.DomainService;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The core services wired to in-memory adapters and a {@link TestClock}: what a unit test of the
 * core needs (projects, deployments, env vars, sign-in, deploy hooks, custom domains), built in microseconds, with every adapter exposed so the test can look behind the
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
    public final SessionTokens tokens = new SessionTokens(randomKey(), Duration.ofDays(7), clock);
    public final AuthService auth = new AuthService(userStore, new PasswordHasher(), tokens, clock,
            new SignInLimits(new Throttle(rateLimits, clock), limits));

    public final InMemoryBuildLogStore logs = new InMemoryBuildLogStore();
    public final InMemoryDeploymentFileStore files = new InMemoryDeploymentFileStore();
    public final InMemoryGitHubStore github = new InMemoryGitHubStore();
    /** GitHub signs deliveries with this secret (MIAOBU_GITHUB_WEBHOOK_SECRET). */
    public static final String WEBHOOK_SECRET = "webhook-secret";
    public final WebhookIntake webhooks = new WebhookIntake(new WebhookSignature(WEBHOOK_SECRET), github, projectStore,
            deploymentStore, deployments, logs, publisher, hosts, clock);
    public final InMemoryDeployHookStore deployHookStore = new InMemoryDeployHookStore();
    public final DeployHooks deployHooks = new DeployHooks(projects, projectStore, deployHookStore, deployments,
            "https://api.miaobu.test", clock);

    public final InMemoryDomainStore domainStore = new InMemoryDomainStore();
    public final InMemoryFunctionLogStore functionLogs = new InMemoryFunctionLogStore();
    /** Runs no function but records every deploy and delete; project deletion deletes through it as in Platform. */
    public final RecordingFunctionHost functionHost = new RecordingFunctionHost();
    /** Every store above as the Database port, for services that take the whole of it. */
    public final Database database = new Database() {
        @Override public UserStore users() { return userStore; }
        @Override public ProjectStore projects() { return projectStore; }
        @Override public DeploymentStore deployments() { return deploymentStore; }
        @Override public BuildLogStore logs() { return logs; }
        @Override public GitHubStore github() { return github; }
        @Override public DeployHookStore deployHooks() { return deployHookStore; }
        @Override public EnvVarStore envVars() { return envVarStore; }
        @Override public DeploymentFileStore files() { return files; }
        @Override public DomainStore domains() { return domainStore; }
        @Override public RateLimitStore rateLimits() { return rateLimits; }
        @Override public FunctionLogStore functionLogs() { return functionLogs; }
    };
    public final ContentStore content = new ContentStore(artifacts, files, clock);
    /** The release every build and folder deployment ends with, its functions run by {@link #functionHost}. */
    public final Release release = new Release(database, artifacts, content, publisher, functionHost, envVars::forBuild, clock);
    public final InMemoryDns dns = new InMemoryDns();
    public final InMemoryCertificateStore certificates = new InMemoryCertificateStore();
    public final RecordingEdgeHostnames edgeHostnames = new RecordingEdgeHostnames();
    /** How many times the scheduler was asked to look at due domains now. */
    public final AtomicInteger wakes = new AtomicInteger();
    /** Subdomains CNAME to edge.miaobu.test, apex domains A to 203.0.113.10; the edge obtains certificates itself. */
    public final DomainSettings domainSettings = new DomainSettings("edge.miaobu.test", List.of("203.0.113.10"), false,
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Duration.ofHours(72), "esa-managed", false, "alidns.aliyuncs.com");
    public final DomainPorts domainPorts = new DomainPorts(dns, certificates, edgeHostnames,
            CertificateIssuer.NOT_CONFIGURED, wakes::incrementAndGet);
    public final DomainService domains = new DomainService(domainStore, projects, publisher, domainPorts,
            domainSettings, clock);
    public final DomainJobs domainJobs = new DomainJobs(domains, domainStore, projectStore, publisher, domainPorts, clock);

    public InMemoryCore() {
        projects.onDelete(project -> domains.deleteAll(project.id()));
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
