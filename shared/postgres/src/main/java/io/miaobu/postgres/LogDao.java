package io.miaobu.postgres;

import io.miaobu.deploy.LogLine;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL for build logs. Appending a line number that is already stored is a no-op, so a builder that
 * retries a batch after a lost acknowledgement does not fail or duplicate lines.
 */
@RegisterConstructorMapper(LogLine.class)
public interface LogDao {
    @SqlBatch("INSERT INTO deployment_logs (deployment_id, n, ts, stream, text)"
            + " VALUES (:deploymentId, :n, :ts, :stream, :text) ON CONFLICT (deployment_id, n) DO NOTHING")
    void append(@Bind("deploymentId") String deploymentId, @BindMethods Iterable<LogLine> lines);

    @SqlQuery("SELECT n, ts, stream, text FROM deployment_logs WHERE deployment_id = :deploymentId AND n > :after"
            + " ORDER BY n LIMIT :limit")
    List<LogLine> after(@Bind("deploymentId") String deploymentId, @Bind("after") long after,
                        @Bind("limit") int limit);

    @SqlUpdate("INSERT INTO deployment_log_ends (deployment_id, last_line, ended_at) VALUES (:deploymentId, :lastLine, :at)"
            + " ON CONFLICT (deployment_id) DO UPDATE SET last_line = GREATEST(deployment_log_ends.last_line, :lastLine),"
            + " ended_at = :at")
    void end(@Bind("deploymentId") String deploymentId, @Bind("lastLine") long lastLine, @Bind("at") Instant at);

    @SqlQuery("SELECT last_line FROM deployment_log_ends WHERE deployment_id = :deploymentId")
    Optional<Long> lastLine(@Bind("deploymentId") String deploymentId);
}
