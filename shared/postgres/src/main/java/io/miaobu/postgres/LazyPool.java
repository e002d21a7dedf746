package io.miaobu.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.miaobu.errors.ApiError;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A connection pool opened by the first request that needs the database, not at start-up: a cold
 * function answers what needs no database (health, a 401, a webhook signature check that fails) before
 * any connection exists, and the schema version is checked once, on that first connection. Until the
 * database answers, each request that needs it gets a 503 naming the problem (never the password),
 * and the next one tries again.
 */
final class LazyPool implements DataSource, AutoCloseable {
    private final Supplier<HikariConfig> config;
    private final int expectedSchema;
    private volatile HikariDataSource pool;
    private volatile boolean checked;
    private boolean closed;

    LazyPool(Supplier<HikariConfig> config, int expectedSchema) {
        this.config = config;
        this.expectedSchema = expectedSchema;
    }

    boolean opened() {
        return pool != null;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = pool().getConnection();
        if (!checked) {
            try {
                SchemaVersion.check(connection, expectedSchema);
                checked = true;
            } catch (RuntimeException | SQLException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    private HikariDataSource pool() {
        HikariDataSource p = pool;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the database pool is closed");
            }
            if (pool == null) {
                HikariConfig c = config.get();
                try {
                    pool = new HikariDataSource(c);
                } catch (RuntimeException e) {
                    // Hikari's message names host and database but never the password.
                    throw new ApiError(503, "database_unavailable", "Cannot reach the database (MIAOBU_DATABASE_URL): "
                            + rootMessage(e));
                }
            }
            return pool;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials come from MIAOBU_DATABASE_URL");
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
