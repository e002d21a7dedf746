package io.miaobu.postgres;

import io.miaobu.deploy.LogLine;
import io.miaobu.dynamic.FunctionLogStore;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** SQL for function logs: the sequence numbers the lines, so workers writing at once never collide. */
@RegisterConstructorMapper(LogLine.class)
public interface FunctionLogDao {
    @SqlBatch("INSERT INTO function_logs (deployment_id, ts, stream, text) VALUES (:deploymentId, :ts, :stream, :text)")
    void append(@Bind("deploymentId") String deploymentId, @BindMethods Iterable<FunctionLogStore.Line> lines);

    @SqlQuery("SELECT n, ts, stream, text FROM function_logs WHERE deployment_id = :deploymentId AND n > :after"
            + " ORDER BY n LIMIT :limit")
    List<LogLine> after(@Bind("deploymentId") String deploymentId, @Bind("after") long after, @Bind("limit") int limit);
}
