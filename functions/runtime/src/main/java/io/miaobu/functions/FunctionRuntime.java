package io.miaobu.functions;

import io.miaobu.dynamic.FunctionHost;
import io.miaobu.Platform;
import io.miaobu.config.ConfigException;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.deploy.JobQueue;
import io.miaobu.domains.AcmeAccountKeys;
import io.miaobu.domains.AcmeChallenges;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.CertificateStore;
import io.miaobu.domains.DnsLookup;
import io.miaobu.domains.DomainPorts;
import io.miaobu.domains.EdgeHostnames;
import io.miaobu.edge.CachePurger;
import io.miaobu.edge.RouteTable;
import io.miaobu.esa.EsaAdapters;
import io.miaobu.github.rest.RestGitHub;
import io.miaobu.http.Handler;
import io.miaobu.http.server.JdkHttpServer;
import io.miaobu.local.DirectoryAcmeChallenges;
import io.miaobu.local.DirectoryCertificateStore;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every FC function does at start (DESIGN §4): read the configuration once, build the service
 * graph once per instance, and serve HTTP on FC_CUSTOM_LISTEN_PORT (custom runtime), where FC delivers
 * HTTP triggers as real requests and events as {@code POST /invoke}.
 */
public final class FunctionRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionRuntime.class);
    private static final long MAX_BODY = 32L * 1024 * 1024; // FC's own limit for synchronous invocations
    /** FC's listen-port variable, and its default. */
    static final String LISTEN_PORT = "FC_CUSTOM_LISTEN_PORT";
    static final int DEFAULT_PORT = 9000;

    private final PostgresDatabase database;
    private final Platform platform;
    private final MiaobuConfig config;
    private final InvocationCredentials credentials;
    private JdkHttpServer server;

    private FunctionRuntime(MiaobuConfig config, PostgresDatabase database, Platform platform, InvocationCredentials credentials) {
        this.config = config;
        this.database = database;
        this.platform = platform;
        this.credentials = credentials;
    }

    /**
     * The platform of one function, with the vendor adapters it carries ({@code adapters}) chosen by {@code env}:
     * every port is made first, then the platform is built once with them.
     */
    public static FunctionRuntime fromEnvironment(Map<String, String> env, FunctionAdapters adapters) throws IOException {
        MiaobuConfig config = MiaobuConfig.fromEnv(env);
        String url = config.databaseUrl().orElseThrow(() -> new ConfigException(
                "MIAOBU_DATABASE_URL is not set; functions need the PostgreSQL server (e.g. postgres://user:pass@host:5432/miaobu)"));
        SecretKeys keys = SecretKeys.required(config.secretKey());
        // No connection and no Flyway at start: the pool opens on the first query that needs it and checks
        // the schema version then (operators migrate with `./miaobu migrate`; docs/operators.md "Upgrading").
        PostgresDatabase database = PostgresDatabase.open(url);
        Clock clock = Clock.systemUTC();
        InvocationCredentials credentials = new InvocationCredentials();
        EsaAdapters edge = EsaAdapters.from(config.edge(), credentials);
        ArtifactStore artifacts = artifactStore(config, adapters, credentials);
        Platform.Assembly platform = Platform.assemble(config, keys, database, jobQueue(config, adapters, database, credentials),
                artifacts, routeTable(config, edge), cachePurger(config, adapters, edge, credentials), clock)
                .gitHub(new RestGitHub(config.github()));
        if (adapters.domains.isPresent()) {
            platform.domains(domainPorts(config, adapters.domains.get(), credentials, edge,
                    Platform.acmeAccountKeys(keys, database, clock)));
        }
        if (adapters.functions.isPresent()) {
            platform.functions(functionHost(config, adapters, credentials, artifacts)); // the builder deploys them, the api and scheduler delete them
        }
        adapters.sources.ifPresent(git -> platform.detection(git.get()));
        return new FunctionRuntime(config, database, platform.build(), credentials);
    }

    /** The vendor queue when configured (MIAOBU_MNS_QUEUE), else the PostgreSQL table. */
    private static JobQueue jobQueue(MiaobuConfig config, FunctionAdapters adapters, PostgresDatabase database,
                                     InvocationCredentials credentials) throws IOException {
        if (adapters.queue.isEmpty()) {
            return FunctionAdapters.notCarried(JobQueue.class, adapters.function, "enqueue builds");
        }
        Optional<JobQueue> vendor = adapters.queue.get().from(config.aliyun(), credentials);
        return vendor.isPresent() ? vendor.get() : database.jobQueue();
    }

    /** The vendor store when configured (MIAOBU_OSS_BUCKET), else the directory under the data dir. */
    private static ArtifactStore artifactStore(MiaobuConfig config, FunctionAdapters adapters, InvocationCredentials credentials)
            throws IOException {
        if (adapters.artifacts.isEmpty()) {
            return FunctionAdapters.notCarried(ArtifactStore.class, adapters.function, "store site files");
        }
        Optional<ArtifactStore> vendor = adapters.artifacts.get().from(config.aliyun(), credentials);
        return vendor.isPresent() ? vendor.get() : new DiskArtifactStore(config.dataDir().resolve("artifacts"));
    }

    /**
     * FC when its endpoint is configured (packages too big to inline go to the platform's OSS bucket), else
     * none: a deployment with functions then fails saying this installation runs none.
     */
    private static FunctionHost functionHost(MiaobuConfig config, FunctionAdapters adapters, InvocationCredentials credentials,
                                             ArtifactStore artifacts) throws IOException {
        Optional<ArtifactStore> bucket = config.aliyun().ossBucket().isPresent() ? Optional.of(artifacts) : Optional.empty();
        return adapters.functions.get().from(config, credentials, bucket).orElse(FunctionHost.NONE);
    }

    /** Edge KV when MIAOBU_ESA_KV_NAMESPACE is set, else the directory the local edge reads. */
    static RouteTable routeTable(MiaobuConfig config, EsaAdapters edge) throws IOException {
        Optional<RouteTable> kv = edge.routeTable();
        return kv.isPresent() ? kv.get() : new FileRouteTable(config.dataDir().resolve("routes"));
    }

    /** ESA purge with a site, CDN refresh with MIAOBU_CDN_PURGE=on (both when both), else nothing to purge. */
    private static CachePurger cachePurger(MiaobuConfig config, FunctionAdapters adapters, EsaAdapters edge,
                                           InvocationCredentials credentials) throws IOException {
        if (adapters.cdn.isEmpty()) {
            return FunctionAdapters.notCarried(CachePurger.class, adapters.function, "publish sites");
        }
        return edge.cachePurger(adapters.cdn.get().from(config.edge(), credentials)).orElseGet(RecordingCachePurger::new);
    }

    /**
     * This instance's domain adapters: DNS through MIAOBU_DNS_RESOLVER (the one resolver its domain checks and ACME
     * DNS-01 waits ask); certificates in CAS bound to the ESA custom hostname when an ESA site is configured, else PEM
     * files under the data directory; and the issuer it carries (the scheduler's ACME one; the others leave verified
     * domains to its next tick).
     */
    private static DomainPorts domainPorts(MiaobuConfig config, FunctionAdapters.Domains carried, InvocationCredentials credentials,
                                           EsaAdapters edge, AcmeAccountKeys accountKeys) throws IOException {
        DnsLookup dns = carried.dns().apply(config.domains().dnsResolver());
        Optional<CertificateStore> vendor = carried.certificates().from(config.edge(), credentials, edge.certificateBinding());
        CertificateStore certificates = vendor.isPresent() ? vendor.get()
                : new DirectoryCertificateStore(config.dataDir().resolve("certificates"));
        CertificateIssuer issuer = carried.issuer().isEmpty() ? CertificateIssuer.NOT_CONFIGURED
                : carried.issuer().get().from(config.domains(), accountKeys, acmeChallenges(config, edge), credentials, dns);
        return new DomainPorts(dns, certificates, edge.edgeHostnames().orElse(EdgeHostnames.NONE), issuer, () -> {});
    }

    /** HTTP-01 answers in edge KV beside the routes, else in the directory the local edge reads. */
    private static AcmeChallenges acmeChallenges(MiaobuConfig config, EsaAdapters edge) throws IOException {
        Optional<AcmeChallenges> kv = edge.acmeChallenges();
        return kv.isPresent() ? kv.get() : new DirectoryAcmeChallenges(config.dataDir().resolve("acme-challenges"));
    }

    public Platform platform() {
        return platform;
    }

    /**
     * The port FC forwards requests to: FC's own {@code FC_CUSTOM_LISTEN_PORT} (the function's
     * customRuntimeConfig/customContainerConfig port), 9000 when unset ("The default listening port
     * (CAPort) of a custom runtime is 9000", FC docs "Must the listening port of a custom runtime be the
     * same as that of the HTTP server"). Functions may not set FC_* variables themselves: FC reserves
     * the prefix.
     */
    static int listenPort(Map<String, String> env) {
        String port = env.get(LISTEN_PORT);
        if (port == null || port.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(LISTEN_PORT + " is not a port number: " + port);
        }
    }

    /** Serves {@code handler} on FC_CUSTOM_LISTEN_PORT (default 9000) on all interfaces, as FC requires. */
    public FunctionRuntime serve(Function<Platform, Handler> handler, Map<String, String> env) throws IOException {
        server = JdkHttpServer.start("0.0.0.0", listenPort(env), MAX_BODY, config.limits(),
                FcInvocations.wrap(handler.apply(platform), credentials));
        LOG.info("listening on port {}", server.port());
        return this;
    }

    /** Runs a function's main: any start-up failure is printed plainly and exits non-zero, so FC reports it. */
    public static void main(FunctionAdapters adapters, Function<Platform, Handler> handler) {
        String name = adapters.function;
        try {
            FunctionRuntime runtime = fromEnvironment(System.getenv(), adapters).serve(handler, System.getenv());
            Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "shutdown"));
        } catch (ConfigException e) {
            System.err.println(name + ": configuration error: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println(name + ": failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        database.close();
    }
}
