package io.miaobu.postgres;

import io.miaobu.deploy.DeployHook;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for deploy hooks. */
@RegisterConstructorMapper(DeployHook.class)
public interface DeployHookDao {
    String COLUMNS = "id, project_id, name, branch, token_hash, created_at";

    @SqlUpdate("INSERT INTO deploy_hooks (" + COLUMNS + ") VALUES (:id, :projectId, :name, :branch, :tokenHash, :createdAt)")
    void insert(@BindMethods DeployHook hook);

    @SqlQuery("SELECT " + COLUMNS + " FROM deploy_hooks WHERE token_hash = :tokenHash")
    Optional<DeployHook> findByTokenHash(@Bind("tokenHash") String tokenHash);

    @SqlQuery("SELECT " + COLUMNS + " FROM deploy_hooks WHERE project_id = :projectId ORDER BY created_at, id")
    List<DeployHook> listByProject(@Bind("projectId") String projectId);

    @SqlUpdate("DELETE FROM deploy_hooks WHERE project_id = :projectId AND id = :id")
    int delete(@Bind("projectId") String projectId, @Bind("id") String id);
}
