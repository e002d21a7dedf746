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
import io.miaobu.ops.Reaper;
import io.miaobu.ops.Retention;
import io.miaobu.projects.ProjectRoutes;
import io.miaobu.projects.ProjectService;
import io.miaobu.secrets.AesGcmSecrets;
import io.miaobu.store.ArtifactStore;
import io.miaobu.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The service graph, built once per instance from the adapters a function chose ({@link #assemble}) and never
 * changed after. Each function's main picks adapters and asks this for the pieces it serves; nothing here
 * knows a vendor. What an instance does not serve (custom domains, detection, deployments' functions) is
 * absent from the start: its routes are not served and its jobs are empty.
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
    private final Optional<DomainService> domains;
    private final Optional<DomainJobs> domainJobs;
    private final FunctionHost functionHost;
    private final Optional<DetectService> detect;

    private Platform(Assembly parts) {
        this.config = parts.config;
        this.database = parts.database;
        this.artifacts = parts.artifacts;
        this.clock = parts.clock;
        this.hosts = new Hosts(config.baseDomain(), config.siteScheme(), config.sitePort());
        this.publisher = new Publisher(parts.routes, parts.purger, database.projects(), hosts, clock,
                database.domains()::activeHostnames);
        AesGcmSecrets secrets = secretsAtRest(parts.keys);
        this.github = new GitHubIntegration(config.github(), config.publicBaseUrl(), parts.keys, parts.gitHub, database,
                secrets, hosts, clock);
        this.projects = new ProjectService(database.projects(), database.deployments(), artifacts, publisher,
                config.allowLocalRepositories(), clock, github.projects());
        this.deployments = new DeploymentService(projects, database.projects(), database.deployments(), parts.queue,
                publisher, github.accounts()::initiator, clock);
        this.folders = new FolderDeployments(deployments, projects, database, artifacts, publisher,
                config.maxOutputFiles(), config.maxOutputBytes(), clock);
        this.throttle = new Throttle(database.rateLimits(), clock);
        this.auth = new AuthService(database.users(), new PasswordHasher(),
                new SessionTokens(parts.keys.derive("session-token"), config.sessionTtl(), clock), clock,
                new SignInLimits(throttle, config.limits()));
        this.envVars = new EnvVarService(projects, database.envVars(), secrets, clock);
        this.domains = parts.domains.map(ports ->
                new DomainService(database.domains(), projects, publisher, ports, config.domains(), clock));
        this.domainJobs = parts.domains.map(ports ->
                new DomainJobs(domains.orElseThrow(), database.domains(), database.projects(), publisher, ports, clock));
        this.functionHost = parts.functions.orElse(FunctionHost.NONE);
        this.detect = parts.detection.map(fetcher ->
                new DetectService(fetcher, config.allowLocalRepositories(), config.buildDir()));
        // A deleted project takes its custom domains and its deployments' functions with it, each cleanup once.
        domains.ifPresent(service -> projects.onDelete(project -> service.deleteAll(project.id())));
        parts.functions.ifPresent(host -> FunctionCleanup.onProjectDelete(projects, database.deployments(), host));
    }

    /** The adapters every function has; the optional ones are added to what this returns, then {@link Assembly#build}. */
    public static Assembly assemble(MiaobuConfig config, SecretKeys keys, Database database, JobQueue queue,
                                    ArtifactStore artifacts, RouteTable routes, CachePurger purger, Clock clock) {
        return new Assembly(config, keys, database, queue, artifacts, routes, purger, clock);
    }

    /**
     * The platform's ACME account key store, before the platform exists: the ACME issuer is one of the
     * ports the platform is built with ({@link Assembly#domains}).
     */
    public static AcmeAccountKeys acmeAccountKeys(SecretKeys keys, Database database, Clock clock) {
        return new AcmeAccountKeys(database.domains(), secretsAtRest(keys), clock);
    }

    /** One key for every secret at rest; each value is bound to its own context (owner, purpose). */
    private static AesGcmSecrets secretsAtRest(SecretKeys keys) {
        return new AesGcmSecrets(keys.derive("secrets-aes-256-gcm"));
    }

    /** What one instance is built from; used once, by {@link #build}. */
    public static final class Assembly {
        private final MiaobuConfig config;
        private final SecretKeys keys;
        private final Database database;
        private final JobQueue queue;
        private final ArtifactStore artifacts;
        private final RouteTable routes;
        private final CachePurger purger;
        private final Clock clock;
        private GitHub gitHub = GitHub.NOT_CONFIGURED;
        private Optional<DomainPorts> domains = Optional.empty();
        private Optional<FunctionHost> functions = Optional.empty();
        private Optional<SourceFetcher> detection = Optional.empty();

        private Assembly(MiaobuConfig config, SecretKeys keys, Database database, JobQueue queue, ArtifactStore artifacts,
                         RouteTable routes, CachePurger purger, Clock clock) {
            this.config = config;
            this.keys = keys;
            this.database = database;
            this.queue = queue;
            this.artifacts = artifacts;
            this.routes = routes;
            this.purger = purger;
            this.clock = clock;
        }

        /** GitHub's API for sign-in, repositories and commit statuses; without it GitHub is not configured. */
        public Assembly gitHub(GitHub gitHub) {
            this.gitHub = gitHub;
            return this;
        }

        /** Custom domains (issue 7) with these adapters; without them the domain routes are not served and there are no domain jobs. */
        public Assembly domains(DomainPorts ports) {
            this.domains = Optional.of(ports);
            return this;
        }

        /**
         * Where deployments' functions run (worker processes locally, Function Compute in the cloud). Without it a
         * build that finds functions fails, saying this installation runs none.
         */
        public Assembly functions(FunctionHost host) {
            this.functions = Optional.of(host);
            return this;
        }

        /**
         * Detection for a Git URL (POST /api/v1/detect) and the import screen's check (POST /api/v1/import/check),
         * served where a SourceFetcher exists (local mode, builder).
         */
        public Assembly detection(SourceFetcher fetcher) {
            this.detection = Optional.of(fetcher);
            return this;
        }

        public Platform build() {
            return new Platform(this);
        }
    }

    /** The HTTP API of DESIGN §10, identical in every function and in local mode, less what this instance does not serve. */
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
        domains.ifPresent(service -> DomainRoutes.register(router, auth, service, config.baseDomain()));
        registerDetection(router);
        return router;
    }

    /** Detection's routes alone: the builder carries JGit for them and serves nothing else of the API. Empty without detection. */
    public Router detectionRouter() {
        Router router = new Router();
        registerDetection(router);
        return router;
    }

    private void registerDetection(Router router) {
        detect.ifPresent(service -> DetectRoutes.register(router, auth, service,
                new ImportCheck(service, database.projects(), hosts, config.allowLocalRepositories())));
    }

    /** The scheduler's domain work (DNS re-checks, issuance, renewal); empty where the platform has no domains. */
    public Optional<DomainJobs> domainJobs() {
        return domainJobs;
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

    public Reaper reaper() {
        return new Reaper(database.deployments(), config.buildTimeout(), clock);
    }

    /** Old deployments' cleanup (MIAOBU_RETENTION_DAYS), deleting their functions from the {@link Assembly#functions} host. */
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
