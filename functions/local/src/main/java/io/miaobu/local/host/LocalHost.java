package io.miaobu.local.host;

import io.miaobu.Platform;
import io.miaobu.build.git.JGitSourceFetcher;
import io.miaobu.build.process.BuildSandboxes;
import io.miaobu.config.ConfigException;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.edge.Hosts;
import io.miaobu.edge.RouteKeys;
import io.miaobu.github.rest.RestGitHub;
import io.miaobu.http.Handler;
import io.miaobu.http.Router;
import io.miaobu.http.server.DashboardAssets;
import io.miaobu.http.server.JdkHttpServer;
import io.miaobu.acme.AcmeCertificateIssuer;
import io.miaobu.alidns.AlidnsDnsChallenges;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.dns.DnsJavaLookup;
import io.miaobu.domains.DomainJobs;
import io.miaobu.domains.DomainPorts;
import io.miaobu.domains.EdgeHostnames;
import io.miaobu.local.DirectoryAcmeChallenges;
import io.miaobu.local.DirectoryCertificateStore;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.LocalEdge;
import io.miaobu.local.functions.FunctionLogWriter;
import io.miaobu.local.functions.LocalFunctionHost;
import io.miaobu.secrets.AesGcmSecrets;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode (DESIGN §8): the API, build workers, the scheduler and the edge in one process, on
 * embedded PostgreSQL and the data directory. Requests for {@code *.{base}} go to the edge; every
 * other request is the platform's own.
 */
public final class LocalHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalHost.class);
    private static final long MAX_BODY = 32L * 1024 * 1024;

    private final JdkHttpServer server;
    private final Platform platform;
    private final RecordingCachePurger purger;
    private final long startedNanos;
    private final EmbeddedDatabase embedded;
    private final PostgresDatabase database;
    private final RunningBuilds running;
    private final BuildWorkers workers;
    private final ScheduledExecutorService scheduler;
    private final LocalEdge edge;
    private final LocalFunctionHost functions;
    private final FunctionLogWriter functionLog;

    private LocalHost(JdkHttpServer server, Platform platform, RecordingCachePurger purger, long startedNanos,
                      EmbeddedDatabase embedded, PostgresDatabase database, RunningBuilds running, BuildWorkers workers,
                      ScheduledExecutorService scheduler, LocalEdge edge, LocalFunctionHost functions,
                      FunctionLogWriter functionLog) {
        this.functions = functions;
        this.functionLog = functionLog;
        this.server = server;
        this.platform = platform;
        this.purger = purger;
        this.startedNanos = startedNanos;
        this.embedded = embedded;
        this.database = database;
        this.running = running;
        this.workers = workers;
        this.scheduler = scheduler;
        this.edge = edge;
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        try {
            LocalHost host = start(MiaobuConfig.fromEnv(System.getenv()), LocalHost::operatorCredentials);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("\nStopping Miaobu…");
                host.close();
            }, "shutdown"));
            System.out.printf("%nMiaobu is running at http://localhost:%d  (ready in %.1fs)%n"
                            + "  sites:  http://{project}.%s:%d%n  data:   %s%n  Ctrl-C to stop%n%n",
                    host.port(), (System.nanoTime() - start) / 1e9, host.platform.hosts().baseDomain(), host.port(),
                    MiaobuConfig.fromEnv(System.getenv()).dataDir());
        } catch (ConfigException e) {
            System.err.println("miaobu: configuration error: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("miaobu: failed to start: " + e.getMessage());
            LOG.debug("start-up failure", e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** The operator's own access key: locally the one Aliyun API Miaobu may call is Alidns (MIAOBU_ALIDNS=on). */
    private static AliyunCredentials operatorCredentials() {
        String id = System.getenv("MIAOBU_ALIYUN_ACCESS_KEY_ID");
        String secret = System.getenv("MIAOBU_ALIYUN_ACCESS_KEY_SECRET");
        if (id == null || secret == null) {
            throw new ConfigException("MIAOBU_ALIDNS=on needs MIAOBU_ALIYUN_ACCESS_KEY_ID and MIAOBU_ALIYUN_ACCESS_KEY_SECRET"
                    + " (an access key allowed alidns:AddDomainRecord and alidns:DeleteDomainRecord)");
        }
        return new AliyunCredentials(id, secret, Optional.empty());
    }

    public static LocalHost start(MiaobuConfig config) throws Exception {
        return start(config, LocalHost::operatorCredentials);
    }

    /** @param alidnsCredentials used only for DNS-01 records in Alidns, when MIAOBU_ALIDNS=on */
    public static LocalHost start(MiaobuConfig config, Supplier<AliyunCredentials> alidnsCredentials)
            throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(config.dataDir());
        EmbeddedDatabase embedded = config.databaseUrl().isPresent() ? null : EmbeddedDatabase.start(config.dataDir());
        PostgresDatabase database = embedded == null ? PostgresDatabase.connect(config.databaseUrl().get()) : embedded.connect();
        // Before any worker runs: builds this host was running when it stopped without a clean shutdown.
        RunningBuilds running = new RunningBuilds(config.dataDir().resolve("running-builds"));
        running.recover(database.deployments(), config.buildDir(), Instant.now());

        AtomicReference<Handler> handler = new AtomicReference<>(req -> Router.error(503, "starting", "Miaobu is starting; try again in a moment."));
        JdkHttpServer server = JdkHttpServer.start("127.0.0.1", config.port(), MAX_BODY, config.limits(),
                req -> handler.get().handle(req));
        MiaobuConfig effective = config.withPort(server.port()).withSitePort(config.sitePort().orElse(server.port()));

        RecordingCachePurger purger = new RecordingCachePurger();
        FileRouteTable routes = new FileRouteTable(config.dataDir().resolve("routes"));
        BuildWorkers workers = new BuildWorkers(database.jobQueue(), config.buildTimeout(), config.buildConcurrency(), running);
        SecretKeys keys = SecretKeys.fromConfigOrFile(config.secretKey(), config.dataDir().resolve("secret.key"));
        Clock clock = Clock.systemUTC();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scheduler");
            t.setDaemon(true);
            return t;
        });
        // The domain jobs' wake runs them at once; the jobs exist once the platform is built with these ports.
        AtomicReference<DomainJobs> domainJobs = new AtomicReference<>();
        Runnable runDomainJobs = () -> {
            try {
                DomainJobs.Tick tick = domainJobs.get().run();
                if (tick.checked() + tick.issued() + tick.renewed() + tick.failed() > 0) {
                    LOG.info("domains: {}", tick);
                }
            } catch (RuntimeException e) {
                LOG.error("domain jobs failed", e);
            }
        };
        DirectoryAcmeChallenges challenges = new DirectoryAcmeChallenges(config.dataDir().resolve("acme-challenges"));
        DnsJavaLookup dnsLookup = DnsJavaLookup.create(config.domains().dnsResolver());
        DomainPorts domainPorts = new DomainPorts(dnsLookup,
                new DirectoryCertificateStore(config.dataDir().resolve("certificates")), EdgeHostnames.NONE,
                AcmeCertificateIssuer.fromSettings(config.domains(), Platform.acmeAccountKeys(keys, database, clock), challenges,
                        AlidnsDnsChallenges.from(config.domains(), alidnsCredentials), dnsLookup, clock),
                () -> scheduler.execute(runDomainJobs));
        Files.createDirectories(config.buildDir());
        Path buildCache = config.buildCacheDir().orElse(config.dataDir().resolve("build-cache"));
        List<Path> hidden = List.of(config.dataDir(), config.buildDir(), buildCache);
        BuildSandboxes sandboxes = BuildSandboxes.create(config.sandbox(), hidden);
        sandboxes.protectDataDirectory(config.dataDir(), config.buildDir()); // before any build or function can run
        FunctionLogWriter functionLog = new FunctionLogWriter(database.functionLogs(), clock);
        // Functions run as builds do, each worker in a sandbox of its own, with the functions' memory limit.
        BuildSandboxes functionSandboxes = BuildSandboxes.create(config.sandbox().withMemoryMb(config.functions().memoryMb()), hidden);
        LocalFunctionHost functions = LocalFunctionHost.start(config.dataDir(), functionSandboxes,
                functionSandboxes.workspaceRoot(config.buildDir()), new AesGcmSecrets(keys.derive("function-env-aes-256-gcm")),
                config.functions(), System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"),
                functionLog);
        Platform platform = Platform.assemble(effective, keys, database, workers.wakingOnSend(database.jobQueue()),
                        new DiskArtifactStore(config.dataDir().resolve("artifacts")), routes, purger, clock)
                .gitHub(new RestGitHub(config.github()))
                .domains(domainPorts)
                .functions(functions)
                .detection(new JGitSourceFetcher())
                .build();
        domainJobs.set(platform.domainJobs().orElseThrow());
        LocalEdge edge = LocalEdge.start(config.nodeCommand(), config.dataDir(), config.domains().httpsPort(),
                Optional.of(new LocalEdge.FunctionGateway(functions.gatewayUrl(), functions.gatewayToken(),
                        (int) config.functions().timeout().toSeconds())));
        Router api = platform.router();
        Handler dashboard = new DashboardAssets(api, LandingPage.html(effective));
        EdgeProxy sites = new EdgeProxy(edge.port(), config.functions().timeout().plusSeconds(30));
        Hosts hosts = platform.hosts();
        // Custom domains reach the edge too (their hostnames have route entries once ACTIVE), and so does
        // every ACME HTTP-01 request, whatever its host, so validation works before a domain is live.
        handler.set(req -> hosts.isSiteHost(req.host()) || req.path().startsWith("/.well-known/acme-challenge/")
                || (!req.path().startsWith("/api/") && RouteKeys.lookupOrder(req.host()).stream().anyMatch(h -> routes.get(h).isPresent()))
                ? sites.handle(req) : dashboard.handle(req));

        workers.start(platform.builder(new JGitSourceFetcher(), sandboxes,
                System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"), buildCache));
        scheduler.scheduleWithFixedDelay(runDomainJobs, 2, 30, TimeUnit.SECONDS);
        var reaper = platform.reaper();
        var retention = platform.retention(); // also stops and removes deleted deployments' workers
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                int reaped = reaper.reap();
                if (reaped > 0) {
                    LOG.info("reaper failed {} stuck deployment(s)", reaped);
                }
                int deleted = retention.run();
                if (deleted > 0) {
                    LOG.info("retention deleted {} old deployment(s)", deleted);
                }
            } catch (RuntimeException e) {
                LOG.error("reaper or retention failed", e);
            }
        }, 5, 60, TimeUnit.SECONDS);
        return new LocalHost(server, platform, purger, started, embedded, database, running, workers, scheduler, edge, functions,
                functionLog);
    }

    public int port() {
        return server.port();
    }

    public Platform platform() {
        return platform;
    }

    public LocalFunctionHost functions() {
        return functions;
    }

    public RecordingCachePurger purger() {
        return purger;
    }

    public Duration startTime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /**
     * Stops in the order that loses nothing: no new requests, then builds end (their deployments are
     * failed with a message, which also stops their processes), then function workers, the edge and the database.
     */
    @Override
    public void close() {
        scheduler.shutdownNow();
        closeQuietly(server);
        endRunningBuilds();
        workers.close();
        closeQuietly(functions); // every function worker ends with the host
        closeQuietly(functionLog);
        closeQuietly(edge);
        closeQuietly(database);
        if (embedded != null) {
            closeQuietly(embedded);
        }
    }

    /** Builds still running are failed with a message; their builders see it within a second and kill their processes. */
    private void endRunningBuilds() {
        try {
            running.fail(database.deployments(), Instant.now());
        } catch (RuntimeException e) {
            LOG.warn("could not end running builds cleanly", e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("error while stopping {}", c.getClass().getSimpleName(), e);
        }
    }
}
