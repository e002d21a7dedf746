package io.miaobu.postgres;

import io.miaobu.deploy.LogLine;
import io.miaobu.dynamic.FunctionLogStore;
import java.util.List;

/** Function log lines in PostgreSQL, numbered by one sequence; they go with their deployment's row. */
public final class PostgresFunctionLogStore implements FunctionLogStore {
    private final FunctionLogDao dao;

    public PostgresFunctionLogStore(FunctionLogDao dao) {
        this.dao = dao;
    }

    @Override
    public void append(String deploymentId, List<Line> lines) {
        if (lines != null && !lines.isEmpty()) {
            dao.append(deploymentId, lines);
        }
    }

    @Override
    public List<LogLine> after(String deploymentId, long after, int limit) {
        return limit <= 0 ? List.of() : dao.after(deploymentId, after, limit);
    }
}
