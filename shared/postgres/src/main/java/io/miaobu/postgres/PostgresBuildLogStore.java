package io.miaobu.postgres;

import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.LogLine;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/** Build log lines in PostgreSQL, keyed (deployment_id, n); re-appending a stored n is ignored. */
public final class PostgresBuildLogStore implements BuildLogStore {
    private final LogDao dao;

    public PostgresBuildLogStore(LogDao dao) {
        this.dao = dao;
    }

    @Override
    public void append(String deploymentId, List<LogLine> lines) {
        if (lines == null || lines.isEmpty()) {
            return;
        }
        dao.append(deploymentId, lines);
    }

    @Override
    public List<LogLine> after(String deploymentId, long after, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return dao.after(deploymentId, after, limit);
    }

    @Override
    public void end(String deploymentId, long lastLine, Instant at) {
        dao.end(deploymentId, lastLine, at);
    }

    @Override
    public OptionalLong lastLine(String deploymentId) {
        return dao.lastLine(deploymentId).map(OptionalLong::of).orElse(OptionalLong.empty());
    }
}
