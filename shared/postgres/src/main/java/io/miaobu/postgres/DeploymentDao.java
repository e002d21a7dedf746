package io.miaobu.postgres;

import io.miaobu.deploy.CommitAuthor;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.deploy.Initiator;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL for deployments. Stats live in four bigint columns (all null when the deployment has none yet);
 * the route config is jsonb. Every status change is one conditional UPDATE.
 */
@RegisterRowMapper(DeploymentDao.Mapper.class)
public interface DeploymentDao {
    String COLUMNS = "id, project_id, status, target, branch, requested_commit, commit_sha, commit_message, error,"
            + " files, bytes, uploaded_files, uploaded_bytes, route_config, created_at, started_at, finished_at,"
            + " commit_author_name, commit_author_login, commit_author_avatar_url, triggered_by,"
            + " triggered_by_user_id, triggered_by_login, triggered_by_avatar_url, trigger_hook_name";
    String SELECTED = COLUMNS + ", functions, backends";

    @SqlUpdate("INSERT INTO deployments (" + COLUMNS + ") VALUES (:id, :projectId, :status, :target, :branch,"
            + " :requestedCommit, :commitSha, :commitMessage, :error, :files, :bytes, :uploadedFiles,"
            + " :uploadedBytes, CAST(:routeConfig AS jsonb), :createdAt, :startedAt, :finishedAt,"
            + " :authorName, :authorLogin, :authorAvatarUrl, :trigger,"
            + " :initiatorUserId, :initiatorLogin, :initiatorAvatarUrl, :hookName)")
    void insert(@Bind("id") String id, @Bind("projectId") String projectId, @Bind("status") DeploymentStatus status,
                @Bind("target") String target, @Bind("branch") String branch,
                @Bind("requestedCommit") String requestedCommit, @Bind("commitSha") String commitSha,
                @Bind("commitMessage") String commitMessage, @Bind("error") String error,
                @Bind("files") Long files, @Bind("bytes") Long bytes, @Bind("uploadedFiles") Long uploadedFiles,
                @Bind("uploadedBytes") Long uploadedBytes, @Bind("routeConfig") String routeConfigJson,
                @Bind("createdAt") Instant createdAt, @Bind("startedAt") Instant startedAt,
                @Bind("finishedAt") Instant finishedAt, @Bind("authorName") String authorName,
                @Bind("authorLogin") String authorLogin, @Bind("authorAvatarUrl") String authorAvatarUrl,
                @Bind("trigger") String trigger, @Bind("initiatorUserId") String initiatorUserId,
                @Bind("initiatorLogin") String initiatorLogin, @Bind("initiatorAvatarUrl") String initiatorAvatarUrl,
                @Bind("hookName") String hookName);

    @SqlQuery("SELECT " + SELECTED + " FROM deployments WHERE id = :id")
    Optional<Deployment> findById(@Bind("id") String id);

    @SqlQuery("SELECT " + SELECTED + " FROM deployments WHERE project_id = :projectId"
            + " ORDER BY created_at DESC, id DESC LIMIT :limit")
    List<Deployment> listByProject(@Bind("projectId") String projectId, @Bind("limit") int limit);

    @SqlQuery("SELECT DISTINCT ON (project_id) " + SELECTED + " FROM deployments WHERE project_id = ANY(:ids)"
            + " ORDER BY project_id, created_at DESC, id DESC")
    List<Deployment> newestOfProjects(@Bind("ids") String[] projectIds);

    /** started_at / finished_at are only overwritten when the caller passes a value. */
    @SqlUpdate("UPDATE deployments SET status = :to,"
            + " started_at = COALESCE(:startedAt, started_at), finished_at = COALESCE(:finishedAt, finished_at)"
            + " WHERE id = :id AND status = ANY(:from)")
    int transition(@Bind("id") String id, @Bind("from") String[] from, @Bind("to") DeploymentStatus to,
                   @Bind("startedAt") Instant startedAt, @Bind("finishedAt") Instant finishedAt);

    @SqlUpdate("UPDATE deployments SET status = :to, error = :error, files = :files, bytes = :bytes,"
            + " uploaded_files = :uploadedFiles, uploaded_bytes = :uploadedBytes, finished_at = :at"
            + " WHERE id = :id AND status = ANY(:from)")
    int finish(@Bind("id") String id, @Bind("from") String[] from, @Bind("to") DeploymentStatus to,
               @Bind("error") String error, @Bind("files") Long files, @Bind("bytes") Long bytes,
               @Bind("uploadedFiles") Long uploadedFiles, @Bind("uploadedBytes") Long uploadedBytes,
               @Bind("at") Instant at);

    @SqlUpdate("UPDATE deployments SET release_claimed_at = :at"
            + " WHERE id = :id AND status = 'UPLOADING' AND release_claimed_at IS NULL")
    int claimRelease(@Bind("id") String id, @Bind("at") Instant at);

    @SqlUpdate("UPDATE deployments SET commit_sha = :commitSha, commit_message = :commitMessage,"
            + " commit_author_name = COALESCE(:authorName, commit_author_name) WHERE id = :id")
    int recordCommit(@Bind("id") String id, @Bind("commitSha") String commitSha,
                     @Bind("commitMessage") String commitMessage, @Bind("authorName") String authorName);

    @SqlUpdate("UPDATE deployments SET route_config = CAST(:routeConfig AS jsonb) WHERE id = :id")
    int recordRouteConfig(@Bind("id") String id, @Bind("routeConfig") String routeConfigJson);

    @SqlUpdate("UPDATE deployments SET functions = CAST(:functions AS jsonb), backends = CAST(:backends AS jsonb)"
            + " WHERE id = :id")
    int recordFunctions(@Bind("id") String id, @Bind("functions") String functionsJson,
                        @Bind("backends") String backendsJson);

    @SqlQuery("SELECT " + SELECTED + " FROM deployments"
            + " WHERE status = :status AND COALESCE(started_at, created_at) < :before ORDER BY created_at, id")
    List<Deployment> listStale(@Bind("status") DeploymentStatus status, @Bind("before") Instant before);

    @SqlQuery("SELECT " + SELECTED + " FROM deployments WHERE project_id = :projectId AND branch = :branch"
            + " AND status = 'READY' ORDER BY created_at DESC, id DESC LIMIT 1")
    Optional<Deployment> newestReady(@Bind("projectId") String projectId, @Bind("branch") String branch);

    @SqlQuery("SELECT " + SELECTED + " FROM deployments WHERE project_id = :projectId AND branch = :branch"
            + " AND status = 'QUEUED' ORDER BY created_at, id")
    List<Deployment> listQueued(@Bind("projectId") String projectId, @Bind("branch") String branch);

    @SqlQuery("SELECT " + SELECTED + " FROM deployments WHERE project_id = :projectId"
            + " AND (requested_commit = :sha OR commit_sha = :sha) ORDER BY created_at DESC, id DESC")
    List<Deployment> listByCommit(@Bind("projectId") String projectId, @Bind("sha") String commitSha);

    final class Mapper implements RowMapper<Deployment> {
        @Override
        public Deployment map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Deployment(
                    rs.getString("id"),
                    rs.getString("project_id"),
                    DeploymentStatus.valueOf(rs.getString("status")),
                    rs.getString("target"),
                    rs.getString("branch"),
                    rs.getString("requested_commit"),
                    rs.getString("commit_sha"),
                    rs.getString("commit_message"),
                    rs.getString("error"),
                    stats(rs),
                    Json.readRouteConfig(rs.getString("route_config")),
                    instant(rs, "created_at"),
                    instant(rs, "started_at"),
                    instant(rs, "finished_at"),
                    CommitAuthor.of(rs.getString("commit_author_name"), rs.getString("commit_author_login"),
                            rs.getString("commit_author_avatar_url")),
                    rs.getString("triggered_by"),
                    Initiator.of(rs.getString("triggered_by_user_id"), rs.getString("triggered_by_login"),
                            rs.getString("triggered_by_avatar_url"), rs.getString("trigger_hook_name")),
                    Json.read(rs.getString("functions"), FunctionManifest.class),
                    Json.readBackends(rs.getString("backends")));
        }

        private static DeploymentStats stats(ResultSet rs) throws SQLException {
            long files = rs.getLong("files");
            if (rs.wasNull()) {
                return null;
            }
            return new DeploymentStats(files, rs.getLong("bytes"), rs.getLong("uploaded_files"),
                    rs.getLong("uploaded_bytes"));
        }

        private static Instant instant(ResultSet rs, String column) throws SQLException {
            return Sql.instant(rs.getObject(column, OffsetDateTime.class));
        }
    }

    @SqlQuery("SELECT DISTINCT project_id FROM deployments WHERE status IN ('READY', 'FAILED', 'CANCELED')"
            + " AND created_at < :before ORDER BY project_id")
    List<String> projectsWithFinishedBefore(@Bind("before") Instant before);

    @SqlUpdate("DELETE FROM deployments WHERE id = :id")
    int delete(@Bind("id") String id);
}
