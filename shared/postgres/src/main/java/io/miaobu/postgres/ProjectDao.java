package io.miaobu.postgres;

import io.miaobu.projects.Project;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for projects. */
@RegisterConstructorMapper(Project.class)
public interface ProjectDao {
    String COLUMNS = "id, owner_id, name, slug, git_url, github_repository, production_branch, root_directory,"
            + " install_command, build_command, output_directory, auto_publish, live_deployment_id,"
            + " created_at, updated_at";

    @SqlUpdate("INSERT INTO projects (" + COLUMNS + ") VALUES (:id, :ownerId, :name, :slug, :gitUrl,"
            + " :githubRepository, :productionBranch, :rootDirectory, :installCommand, :buildCommand,"
            + " :outputDirectory, :autoPublish, :liveDeploymentId, :createdAt, :updatedAt)")
    void insert(@BindMethods Project project);

    @SqlQuery("SELECT " + COLUMNS + " FROM projects WHERE id = :id")
    Optional<Project> findById(@Bind("id") String id);

    @SqlQuery("SELECT " + COLUMNS + " FROM projects WHERE slug = :slug")
    Optional<Project> findBySlug(@Bind("slug") String slug);

    @SqlQuery("SELECT " + COLUMNS + " FROM projects WHERE owner_id = :ownerId ORDER BY created_at DESC, id DESC")
    List<Project> listByOwner(@Bind("ownerId") String ownerId);

    /** Every settable column; never owner, live deployment or creation time. */
    @SqlUpdate("UPDATE projects SET name = :name, slug = :slug, git_url = :gitUrl,"
            + " github_repository = :githubRepository, production_branch = :productionBranch,"
            + " root_directory = :rootDirectory, install_command = :installCommand, build_command = :buildCommand,"
            + " output_directory = :outputDirectory, auto_publish = :autoPublish, updated_at = :updatedAt"
            + " WHERE id = :id")
    int update(@BindMethods Project project);

    @SqlUpdate("UPDATE projects SET live_deployment_id = :deploymentId WHERE id = :id")
    int setLiveDeployment(@Bind("id") String projectId, @Bind("deploymentId") String deploymentId);

    @SqlUpdate("DELETE FROM projects WHERE id = :id")
    int delete(@Bind("id") String id);
}
