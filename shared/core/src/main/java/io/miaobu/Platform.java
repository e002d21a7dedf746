package io.miaobu;

import io.miaobu.api.HealthView;
import io.miaobu.auth.AuthRoutes;
import io.miaobu.auth.AuthService;
import io.miaobu.auth.PasswordHasher;
import io.miaobu.auth.SessionTokens;
import io.miaobu.auth.SignInLimits;
import io.miaobu.limits.Throttle;
import io.miaobu.build.Builder;
import io.miaobu.build.CommandRunner;
import io.miaobu.build.SourceFetcher;
import io.miaobu.build.detect.DetectRoutes;
import io.miaobu.build.detect.DetectService;
import io.miaobu.build.detect.ImportCheck;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.deploy.DeployHookRoutes;
import io.miaobu.deploy.DeploymentFunctionRoutes;
import io.miaobu.deploy.DeployHooks;
import io.miaobu.deploy.DeploymentRoutes;
import io.miaobu.deploy.DeploymentService;
import io.miaobu.deploy.FolderDeploymentRoutes;
import io.miaobu.deploy.FolderDeployments;
import io.miaobu.deploy.JobQueue;
import io.miaobu.deploy.LogStream;
import io.miaobu.deploy.Publisher;
import io.miaobu.domains.AcmeAccountKeys;
import io.miaobu.domains.DomainJobs;
import io.miaobu.domains.DomainPorts;
import io.miaobu.domains.DomainRoutes;
import io.miaobu.domains.DomainService;
import io.miaobu.edge.CachePurger;
import io.miaobu.envvars.EnvVarRoutes;
import io.miaobu.envvars.EnvVarService;
import io.miaobu.dynamic.FunctionCleanup;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.edge.Hosts;
import io.miaobu.edge.RouteTable;
import io.miaobu.github.GitHub;
import io.miaobu.github.GitHubIntegration;
import io.miaobu.http.ApiDocument;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.ops.Reaper;
import io.miaobu.ops.Retention;
import io.miaobu.projects.ProjectRoutes;
import io.miaobu.projects.ProjectService;
import io.miaobu.secrets.AesGcmSecrets;
import io.miaobu.store.ArtifactStore;
import io.miaobu.store.Database;
import java.time.Clock;
import java.time.Duration;

/**
 * The service graph, built once per instance from the adapters a function chose. Each function's
 * main picks adapters and asks this for the pieces it serves; nothing here knows a vendor.
 */
public final class Platform {
    private final MiaobuConfig config;
    private final Database database;
    private final ArtifactStore artifacts;
    private final Hosts hosts;
    private final Publisher publisher;
    private final ProjectService projects;
    private final DeploymentService deployments;
    private final FolderDeployments folders;
    private final AuthService auth;
    private final Throttle throttle;
    private final EnvVarService envVars;
    private final Clock clock;
    private final GitHubIntegration github;
    private final AesGcmSecrets secrets;
    private DomainService domains;
    private DomainJobs domainJobs;
    private FunctionHost functionHost = FunctionHost.NONE;

    public Platform(MiaobuConfig config, SecretKeys keys, Database database, JobQueue queue, ArtifactStore artifacts,
                    RouteTable routes, CachePurger purger, Clock clock) {
        this(config, keys, database, queue, artifacts, routes, purger, GitHub.NOT_CONFIGURED, clock);
    }

    public Platform(MiaobuConfig config, SecretKeys keys, Database database, JobQueue queue, ArtifactStore artifacts,
                    RouteTable routes, CachePurger purger, GitHub gitHub, Clock clock) {
        this.config = config;
        this.database = database;
        this.artifacts = artifacts;
        this.clock = clock;
        this.hosts = new Hosts(config.baseDomain(), config.siteScheme(), config.sitePort());
        this.publisher = new Publisher(routes, purger, database.projects(), hosts, clock, database.domains()::activeHostnames);
        // One key for every secret at rest; each value is bound to its own context (owner, purpose).
        AesGcmSecrets secrets = new AesGcmSecrets(keys.derive("secrets-aes-256-gcm"));
        this.secrets = secrets;
        this.github = new GitHubIntegration(config.github(), config.publicBaseUrl(), keys, gitHub, database,
                secrets, hosts, clock);
        this.projects = new ProjectService(database.projects(), database.deployments(), artifacts, publisher,
                config.allowLocalRepositories(), clock, github.projects());
        this.deployments = new DeploymentService(projects, database.projects(), database.deployments(), queue, publisher,
                github.accounts()::initiator, clock);
        this.folders = new FolderDeployments(deployments, projects, database, artifacts, publisher,
                config.maxOutputFiles(), config.maxOutputBytes(), clock);
        this.throttle = new Throttle(database.rateLimits(), clock);
        this.auth = new AuthService(database.users(), new PasswordHasher(),
                new SessionTokens(keys.derive("session-token"), config.sessionTtl(), clock), clock,
                new SignInLimits(throttle, config.limits()));
        this.envVars = new EnvVarService(projects, database.envVars(), secrets, clock);
    }

    /** The HTTP API of DESIGN §10, identical in every function and in local mode. */
    public Router router() {
        Router router = new Router();
        router.get("/api/v1/health", req -> Response.ok(HealthView.OK));
        router.get(ApiDocument.PATH, req -> ApiDocument.response());
        AuthRoutes.register(router, auth, github.accounts()::login);
        ProjectRoutes.register(router, auth, projects, hosts, DeploymentRoutes.newestViews(database.deployments(), hosts),
                DeploymentRoutes.liveViews(database.deployments(), hosts));
        LogStream logStream = new LogStream(database.logs(), database.deployments(), Duration.ofMinutes(30), clock);
        DeploymentRoutes.register(router, auth, deployments, database.logs(), logStream, hosts);
        DeploymentFunctionRoutes.register(router, auth, deployments, database.functionLogs(),
                LogStream.whileServed(database.functionLogs(), database.deployments(), Duration.ofMinutes(30), clock));
        github.register(router, auth, deployments, publisher);
        DeployHookRoutes.register(router, auth, new DeployHooks(projects, database.projects(), database.deployHooks(),
                deployments, config.publicBaseUrl(), clock), hosts, throttle, config.limits().hookTriggers());
        EnvVarRoutes.register(router, auth, envVars);
        FolderDeploymentRoutes.register(router, auth, folders, hosts);
        if (domains != null) {
            DomainRoutes.register(router, auth, domains, config.baseDomain());
        }
        return router;
    }

    /**
     * Custom domains (issue 7) with the adapters this function chose; call before {@link #router()}.
     * Without it the domain routes are not served.
     */
    public Platform withDomains(DomainPorts ports) {
        this.domains = new DomainService(database.domains(), projects, publisher, ports, config.domains(), clock);
        this.domainJobs = new DomainJobs(domains, database.domains(), database.projects(), publisher, ports, clock);
        DomainService current = domains;
        projects.onDelete(project -> {
            if (current == domains) { // withDomains again (the scheduler's issuer) replaces this listener's work
                current.deleteAll(project.id());
            }
        });
        return this;
    }

    /**
     * Where deployments' functions run (worker processes locally, Function Compute in the cloud); call before
     * {@link #builder}. Without it a build that finds functions fails, saying this installation runs none.
     */
    public Platform withFunctions(FunctionHost host) {
        this.functionHost = host;
        FunctionCleanup.onProjectDelete(projects, database.deployments(), host);
        return this;
    }

    /** The scheduler's domain work (DNS re-checks, issuance, renewal); null until {@link #withDomains}. */
    public DomainJobs domainJobs() {
        return domainJobs;
    }

    public AcmeAccountKeys acmeAccountKeys() {
        return new AcmeAccountKeys(database.domains(), secrets, clock);
    }

    /** A builder keeping its build cache as archives in the ArtifactStore (MIAOBU_BUILD_CACHE_DIR, when set, wins). */
    public Builder builder(SourceFetcher fetcher, CommandRunner runner, String toolPath) throws java.io.IOException {
        return builder(fetcher, runner, toolPath, null);
    }

    /** @param cacheDirectory where a builder with a lasting disk keeps its build cache (local mode), or null */
    public Builder builder(SourceFetcher fetcher, CommandRunner runner, String toolPath, java.nio.file.Path cacheDirectory)
            throws java.io.IOException {
        return new Builder(database, artifacts, publisher, hosts, fetcher, runner, config.buildDir(),
                new Builder.Limits(config.buildTimeout(), config.maxOutputFiles(), config.maxOutputBytes(),
                        config.maxLogBytes(), config.maxBuildCacheBytes()),
                new Builder.Tools(toolPath, config.npmRegistry().orElse(null), config.nodeVersionsDir().orElse(null),
                        !config.buildCacheMode().equals("off"),
                        config.buildCacheMode().equals("store") ? null : config.buildCacheDir().orElse(cacheDirectory),
                        config.pipIndexUrl().orElse(null)),
                envVars::forBuild, functionHost, clock).withIntegration(github.buildIntegration());
    }

    /**
     * Detection for a Git URL (POST /api/v1/detect) and the import screen's check (POST
     * /api/v1/import/check), served where a SourceFetcher exists (local mode, builder).
     */
    public Router withDetect(Router router, SourceFetcher fetcher) {
        DetectService detect = new DetectService(fetcher, config.allowLocalRepositories(), config.buildDir());
        DetectRoutes.register(router, auth, detect,
                new ImportCheck(detect, database.projects(), hosts, config.allowLocalRepositories()));
        return router;
    }

    public Reaper reaper() {
        return new Reaper(database.deployments(), config.buildTimeout(), clock);
    }

    /** Old deployments' cleanup (MIAOBU_RETENTION_DAYS), deleting their functions from the {@link #withFunctions} host. */
    public Retention retention() {
        return new Retention(database.projects(), database.deployments(), publisher, artifacts, functionHost, config.retention(), clock);
    }

    public Hosts hosts() {
        return hosts;
    }

    public Database database() {
        return database;
    }
}
