package io.miaobu.functions;

import io.miaobu.Platform;
import io.miaobu.config.ConfigException;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.github.rest.RestGitHub;
import io.miaobu.http.Handler;
import io.miaobu.http.server.JdkHttpServer;
import io.miaobu.local.DiskArtifactStore;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.RecordingCachePurger;
import io.miaobu.postgres.PostgresDatabase;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every FC function does at start (DESIGN §4): read the configuration once, build the service
 * graph once per instance, and serve HTTP on FC_SERVER_PORT (custom runtime), where FC delivers
 * HTTP triggers as real requests and events as {@code POST /invoke}.
 */
public final class FunctionRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionRuntime.class);
    private static final long MAX_BODY = 32L * 1024 * 1024; // FC's own limit for synchronous invocations

    private final PostgresDatabase database;
    private final Platform platform;
    private final MiaobuConfig config;
    private JdkHttpServer server;

    private FunctionRuntime(MiaobuConfig config, PostgresDatabase database, Platform platform) {
        this.config = config;
        this.database = database;
        this.platform = platform;
    }

    public static FunctionRuntime fromEnvironment(Map<String, String> env) throws IOException {
        MiaobuConfig config = MiaobuConfig.fromEnv(env);
        String url = config.databaseUrl().orElseThrow(() -> new ConfigException(
                "MIAOBU_DATABASE_URL is not set; functions need the PostgreSQL server (e.g. postgres://user:pass@host:5432/miaobu)"));
        SecretKeys keys = SecretKeys.required(config.secretKey());
        // No connection and no Flyway at start: the pool opens on the first query that needs it and checks
        // the schema version then (operators migrate with `./miaobu migrate`; README "Upgrading").
        PostgresDatabase database = PostgresDatabase.open(url);
        // Storage and routes are directories until the Aliyun adapters (OSS, edge KV) are wired in;
        // on FC that directory is a NAS mount shared by every function.
        Platform platform = new Platform(config, keys, database, database.jobQueue(),
                new DiskArtifactStore(config.dataDir().resolve("artifacts")),
                new FileRouteTable(config.dataDir().resolve("routes")),
                new RecordingCachePurger(), new RestGitHub(config.github()), Clock.systemUTC());
        return new FunctionRuntime(config, database, platform);
    }

    public Platform platform() {
        return platform;
    }

    public MiaobuConfig config() {
        return config;
    }

    /** Serves {@code handler} on FC_SERVER_PORT (default 9000) on all interfaces, as FC requires. */
    public FunctionRuntime serve(Function<Platform, Handler> handler, Map<String, String> env) throws IOException {
        int port = Optional.ofNullable(env.get("FC_SERVER_PORT")).map(Integer::parseInt).orElse(9000);
        server = JdkHttpServer.start("0.0.0.0", port, MAX_BODY, handler.apply(platform));
        LOG.info("listening on port {}", server.port());
        return this;
    }

    /** Runs a function's main: any start-up failure is printed plainly and exits non-zero, so FC reports it. */
    public static void main(String name, Function<Platform, Handler> handler) {
        try {
            FunctionRuntime runtime = fromEnvironment(System.getenv()).serve(handler, System.getenv());
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
