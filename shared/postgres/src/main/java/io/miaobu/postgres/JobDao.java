package io.miaobu.postgres;

import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for the build queue table. */
@RegisterConstructorMapper(JobDao.Claimed.class)
public interface JobDao {
    /** One row claimed by {@link #receive}: its id is the receipt. */
    record Claimed(long id, String deploymentId, int deliveries) {}

    @SqlUpdate("INSERT INTO build_jobs (deployment_id, visible_at, deliveries, created_at)"
            + " VALUES (:deploymentId, now(), 0, now())")
    void send(@Bind("deploymentId") String deploymentId);

    /**
     * Claims the oldest visible job in one statement: rows another receiver holds locked are skipped,
     * and the claimed row is pushed out of sight for the visibility timeout.
     */
    @SqlQuery("UPDATE build_jobs SET visible_at = now() + make_interval(secs => :seconds),"
            + " deliveries = deliveries + 1"
            + " WHERE id = (SELECT id FROM build_jobs WHERE visible_at <= now()"
            + " ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)"
            + " RETURNING id, deployment_id, deliveries")
    Optional<Claimed> receive(@Bind("seconds") double visibilitySeconds);

    @SqlUpdate("DELETE FROM build_jobs WHERE id = :id")
    int delete(@Bind("id") long id);
}
