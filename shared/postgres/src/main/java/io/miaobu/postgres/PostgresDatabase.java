package io.miaobu.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.miaobu.store.Database;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The Database port over PostgreSQL: a small HikariCP pool, the schema migrated by Flyway
 * ({@code classpath:db/migration}) when the database is opened, and one Jdbi SqlObject DAO per aggregate.
 */
public final class PostgresDatabase implements Database, AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final Jdbi jdbi;
    private final PostgresUserStore users;
    private final PostgresProjectStore projects;
    private final PostgresDeploymentStore deployments;
    private final PostgresBuildLogStore logs;
    private final PostgresDeploymentFileStore files;
    private final PostgresJobQueue jobQueue;
    private final PostgresGitHubStore github;
    private final PostgresDeployHookStore deployHooks;
    private final PostgresEnvVarStore envVars;
    private final PostgresDomainStore domains;

    private PostgresDatabase(DataSource dataSource, HikariDataSource ownedPool) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.jdbi = Jdbi.create(dataSource)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
        this.users = new PostgresUserStore(jdbi.onDemand(UserDao.class));
        this.projects = new PostgresProjectStore(jdbi.onDemand(ProjectDao.class));
        this.deployments = new PostgresDeploymentStore(jdbi.onDemand(DeploymentDao.class));
        this.logs = new PostgresBuildLogStore(jdbi.onDemand(LogDao.class));
        this.files = new PostgresDeploymentFileStore(jdbi.onDemand(FileDao.class));
        this.jobQueue = new PostgresJobQueue(jdbi.onDemand(JobDao.class));
        this.github = new PostgresGitHubStore(jdbi.onDemand(GitHubDao.class));
        this.deployHooks = new PostgresDeployHookStore(jdbi.onDemand(DeployHookDao.class));
        this.envVars = new PostgresEnvVarStore(jdbi.onDemand(EnvVarDao.class));
        this.domains = new PostgresDomainStore(jdbi.onDemand(DomainDao.class));
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
        HikariDataSource pool = new HikariDataSource(config);
        try {
            migrate(pool);
            return new PostgresDatabase(pool, pool);
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /** Uses a pool the caller owns (and closes); the schema is migrated first. */
    public static PostgresDatabase fromDataSource(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        migrate(dataSource);
        return new PostgresDatabase(dataSource, null);
    }

    /** Applies pending migrations from {@code classpath:db/migration}; safe to run concurrently and repeatedly. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure(PostgresDatabase.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
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
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Closes the pool this instance opened; a pool passed to {@link #fromDataSource} is left to its owner. */
    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.close();
        }
    }
}
