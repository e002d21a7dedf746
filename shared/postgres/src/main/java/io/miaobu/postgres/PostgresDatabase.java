package io.miaobu.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.miaobu.store.Database;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The Database port over PostgreSQL: a small HikariCP pool, the schema migrated by Flyway
 * ({@code classpath:db/migration}) when the database is opened with {@link #connect} (local mode,
 * {@code ./miaobu migrate}) or only checked with {@link #open} (functions), and one Jdbi SqlObject DAO per aggregate.
 */
public final class PostgresDatabase implements Database, AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final DataSource dataSource;
    private final AutoCloseable ownedPool;
    private final LazyJdbi jdbi;
    private final PostgresUserStore users;
    private final PostgresProjectStore projects;
    private final PostgresDeploymentStore deployments;
    private final PostgresBuildLogStore logs;
    private final PostgresDeploymentFileStore files;
    private final PostgresJobQueue jobQueue;
    private final PostgresGitHubStore github;
    private final PostgresDeployHookStore deployHooks;
    private final PostgresRateLimitStore rateLimits;
    private final PostgresFunctionLogStore functionLogs;
    private final PostgresEnvVarStore envVars;
    private final PostgresDomainStore domains;

    private PostgresDatabase(DataSource dataSource, AutoCloseable ownedPool) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        // Jdbi and its SqlObject proxies are made on first use: at a function's cold start they cost
        // a few hundred milliseconds that a request without a query does not need.
        this.jdbi = new LazyJdbi(() -> Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin()));
        this.users = new PostgresUserStore(jdbi.dao(UserDao.class));
        this.projects = new PostgresProjectStore(jdbi.dao(ProjectDao.class));
        this.deployments = new PostgresDeploymentStore(jdbi.dao(DeploymentDao.class));
        this.logs = new PostgresBuildLogStore(jdbi.dao(LogDao.class));
        this.files = new PostgresDeploymentFileStore(jdbi.dao(FileDao.class));
        this.jobQueue = new PostgresJobQueue(jdbi.dao(JobDao.class));
        this.github = new PostgresGitHubStore(jdbi.dao(GitHubDao.class));
        this.deployHooks = new PostgresDeployHookStore(jdbi.dao(DeployHookDao.class));
        this.envVars = new PostgresEnvVarStore(jdbi.dao(EnvVarDao.class));
        this.domains = new PostgresDomainStore(jdbi.dao(DomainDao.class));
        this.rateLimits = new PostgresRateLimitStore(jdbi.dao(RateLimitDao.class));
        this.functionLogs = new PostgresFunctionLogStore(jdbi.dao(FunctionLogDao.class));
    }

    /** {@code connect(url, null, null)}: credentials, if any, come from the URL. */
    public static PostgresDatabase connect(String url) {
        return connect(url, null, null);
    }

    /**
     * Opens a pool (at most 10 connections) on {@code url}, which may be {@code jdbc:postgresql://...},
     * {@code postgres://user:pass@host/db} or {@code postgresql://...}, then migrates the schema.
     * A non-null {@code user} / {@code password} overrides the one in the URL.
     */
    public static PostgresDatabase connect(String url, String user, String password) {
        HikariDataSource pool = new HikariDataSource(poolConfig(url, user, password));
        try {
            migrate(pool);
            return new PostgresDatabase(pool, pool);
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /**
     * For the functions: no migration and no connection at start. The pool opens on the first query,
     * which first checks that the database's schema is at least the version this code ships
     * ({@link SchemaVersion}); operators migrate with {@code ./miaobu migrate}.
     */
    public static PostgresDatabase open(String url) {
        PostgresUrls.toJdbc(url); // a malformed URL fails at start, not at the first request
        int expected = SchemaVersion.expected();
        LazyPool pool = new LazyPool(() -> poolConfig(url, null, null), expected);
        return new PostgresDatabase(pool, pool);
    }

    private static HikariConfig poolConfig(String url, String user, String password) {
        PostgresUrls.Jdbc target = PostgresUrls.toJdbc(url);
        HikariConfig config = new HikariConfig();
        config.setPoolName("miaobu-postgres-" + POOLS.incrementAndGet());
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(target.url());
        String u = user != null ? user : target.user();
        String p = password != null ? password : target.password();
        if (u != null) {
            config.setUsername(u);
        }
        if (p != null) {
            config.setPassword(p);
        }
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        config.setValidationTimeout(5_000);
        config.setIdleTimeout(60_000);
        config.setMaxLifetime(1_800_000);
        config.setKeepaliveTime(120_000);
        return config;
    }

    /** Uses a pool the caller owns (and closes); the schema is migrated first. */
    public static PostgresDatabase fromDataSource(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        migrate(dataSource);
        return new PostgresDatabase(dataSource, null);
    }

    /** Applies pending migrations from {@code classpath:db/migration}; safe to run concurrently and repeatedly. */
    public static void migrate(DataSource dataSource) {
        SchemaMigrations.migrate(dataSource);
    }

    @Override
    public PostgresUserStore users() {
        return users;
    }

    @Override
    public PostgresProjectStore projects() {
        return projects;
    }

    @Override
    public PostgresDeploymentStore deployments() {
        return deployments;
    }

    @Override
    public PostgresBuildLogStore logs() {
        return logs;
    }

    @Override
    public PostgresGitHubStore github() {
        return github;
    }

    @Override
    public PostgresRateLimitStore rateLimits() {
        return rateLimits;
    }

    @Override
    public PostgresFunctionLogStore functionLogs() {
        return functionLogs;
    }

    @Override
    public PostgresDeployHookStore deployHooks() {
        return deployHooks;
    }

    @Override
    public PostgresEnvVarStore envVars() {
        return envVars;
    }

    @Override
    public PostgresDeploymentFileStore files() {
        return files;
    }

    @Override
    public PostgresDomainStore domains() {
        return domains;
    }

    public PostgresJobQueue jobQueue() {
        return jobQueue;
    }

    /** For ops queries and tests; the stores are the supported way in. */
    public Jdbi jdbi() {
        return jdbi.get();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Closes the pool this instance opened; a pool passed to {@link #fromDataSource} is left to its owner. */
    @Override
    public void close() {
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the database pool failed", e);
            }
        }
    }
}
