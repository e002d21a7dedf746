package io.miaobu.postgres;

import io.miaobu.github.GitHubAccount;
import io.miaobu.github.RepositoryLink;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for GitHub accounts, project-repository links and webhook deliveries. */
@RegisterConstructorMapper(GitHubAccount.class)
@RegisterConstructorMapper(RepositoryLink.class)
public interface GitHubDao {
    String ACCOUNT = "user_id, github_id, login, token_encrypted AS encrypted_token, scopes, created_at, updated_at";
    String LINK = "project_id, repository_id, full_name, hook_id, created_at";

    @SqlUpdate("INSERT INTO github_accounts (user_id, github_id, login, token_encrypted, scopes, created_at, updated_at)"
            + " VALUES (:userId, :githubId, :login, :encryptedToken, :scopes, :createdAt, :updatedAt)"
            + " ON CONFLICT (user_id) DO UPDATE SET github_id = EXCLUDED.github_id, login = EXCLUDED.login,"
            + " token_encrypted = EXCLUDED.token_encrypted, scopes = EXCLUDED.scopes, updated_at = EXCLUDED.updated_at")
    void saveAccount(@BindMethods GitHubAccount account);

    @SqlQuery("SELECT " + ACCOUNT + " FROM github_accounts WHERE user_id = :userId")
    Optional<GitHubAccount> accountOfUser(@Bind("userId") String userId);

    @SqlQuery("SELECT " + ACCOUNT + " FROM github_accounts WHERE github_id = :githubId")
    Optional<GitHubAccount> accountByGitHubId(@Bind("githubId") long githubId);

    @SqlUpdate("INSERT INTO project_repositories (" + LINK + ") VALUES (:projectId, :repositoryId, :fullName, :hookId, :createdAt)"
            + " ON CONFLICT (project_id) DO UPDATE SET repository_id = EXCLUDED.repository_id,"
            + " full_name = EXCLUDED.full_name, hook_id = EXCLUDED.hook_id")
    void saveLink(@BindMethods RepositoryLink link);

    @SqlQuery("SELECT " + LINK + " FROM project_repositories WHERE project_id = :projectId")
    Optional<RepositoryLink> linkOfProject(@Bind("projectId") String projectId);

    @SqlQuery("SELECT " + LINK + " FROM project_repositories WHERE repository_id = :repositoryId ORDER BY created_at, project_id")
    List<RepositoryLink> linksOfRepository(@Bind("repositoryId") long repositoryId);

    @SqlUpdate("INSERT INTO github_deliveries (delivery_id, event, received_at) VALUES (:id, :event, :at)"
            + " ON CONFLICT (delivery_id) DO NOTHING")
    int recordDelivery(@Bind("id") String deliveryId, @Bind("event") String event, @Bind("at") Instant at);

    @SqlUpdate("DELETE FROM github_deliveries WHERE delivery_id = :id")
    int forgetDelivery(@Bind("id") String deliveryId);

    @SqlUpdate("DELETE FROM github_deliveries WHERE received_at < :before")
    int pruneDeliveries(@Bind("before") Instant before);
}
