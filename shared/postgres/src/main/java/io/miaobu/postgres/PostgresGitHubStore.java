package io.miaobu.postgres;

import io.miaobu.github.GitHubAccount;
import io.miaobu.github.GitHubStore;
import io.miaobu.github.RepositoryLink;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** GitHub accounts, repository links and deliveries in PostgreSQL. Tokens arrive here already encrypted. */
public final class PostgresGitHubStore implements GitHubStore {
    private final GitHubDao dao;

    public PostgresGitHubStore(GitHubDao dao) {
        this.dao = dao;
    }

    @Override
    public void saveAccount(GitHubAccount account) {
        Sql.translatingDuplicates("GitHub account " + account.githubId(), () -> dao.saveAccount(account));
    }

    @Override
    public Optional<GitHubAccount> accountOfUser(String userId) {
        return dao.accountOfUser(userId);
    }

    @Override
    public Optional<GitHubAccount> accountByGitHubId(long githubId) {
        return dao.accountByGitHubId(githubId);
    }

    @Override
    public void saveLink(RepositoryLink link) {
        dao.saveLink(link);
    }

    @Override
    public Optional<RepositoryLink> linkOfProject(String projectId) {
        return dao.linkOfProject(projectId);
    }

    @Override
    public List<RepositoryLink> linksOfRepository(long repositoryId) {
        return dao.linksOfRepository(repositoryId);
    }

    @Override
    public boolean recordDelivery(String deliveryId, String event, Instant receivedAt) {
        return dao.recordDelivery(deliveryId, event, receivedAt) > 0;
    }

    @Override
    public void forgetDelivery(String deliveryId) {
        dao.forgetDelivery(deliveryId);
    }

    @Override
    public int pruneDeliveries(Instant before) {
        return dao.pruneDeliveries(before);
    }
}
