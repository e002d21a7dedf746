package io.miaobu.postgres;

import io.miaobu.envvars.EnvVar;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** SQL for project environment variables (ciphertext only). */
@RegisterConstructorMapper(EnvVar.class)
public interface EnvVarDao {
    @SqlQuery("SELECT key, target, value_encrypted AS encrypted_value, updated_at FROM project_env_vars"
            + " WHERE project_id = :projectId ORDER BY key, target")
    List<EnvVar> list(@Bind("projectId") String projectId);

    @SqlUpdate("DELETE FROM project_env_vars WHERE project_id = :projectId")
    void deleteAll(@Bind("projectId") String projectId);

    @SqlBatch("INSERT INTO project_env_vars (project_id, key, target, value_encrypted, updated_at)"
            + " VALUES (:projectId, :key, :target, :encryptedValue, :updatedAt)")
    void insert(@Bind("projectId") String projectId, @BindMethods Iterable<EnvVar> vars);

    // Two replacements of one project's set at once would each delete, then both insert: one failed on the
    // primary key (a 500). Locking the project row first makes them take turns; the last one wins.
    @SqlQuery("SELECT id FROM projects WHERE id = :projectId FOR UPDATE")
    List<String> lockProject(@Bind("projectId") String projectId);

    @Transaction
    default void replaceAll(String projectId, List<EnvVar> vars) {
        lockProject(projectId);
        deleteAll(projectId);
        if (!vars.isEmpty()) {
            insert(projectId, vars);
        }
    }
}
