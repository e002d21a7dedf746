package io.miaobu.testkit.memory;

import io.miaobu.github.GitHubAccount;
import io.miaobu.github.GitHubStore;
import io.miaobu.github.RepositoryLink;
import io.miaobu.store.DuplicateKeyException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts by user, links by project, deliveries by id. Saving an account or a link again replaces
 * it but keeps when it was first made, as the upserts do; a GitHub id links to one user.
 */
public final class InMemoryGitHubStore implements GitHubStore {
    private static final Comparator<RepositoryLink> OLDEST_FIRST =
            Comparator.comparing(RepositoryLink::createdAt).thenComparing(RepositoryLink::projectId);

    private final Map<String, GitHubAccount> accountsByUser = new HashMap<>();
    private final Map<String, RepositoryLink> linksByProject = new HashMap<>();
    private final Map<String, Instant> deliveries = new HashMap<>();

    @Override
    public synchronized void saveAccount(GitHubAccount a) {
        Optional<GitHubAccount> holder = accountByGitHubId(a.githubId());
        if (holder.isPresent() && !holder.get().userId().equals(a.userId())) {
            throw new DuplicateKeyException("GitHub account " + a.githubId(), null);
        }
        GitHubAccount before = accountsByUser.get(a.userId());
        Instant createdAt = before == null ? a.createdAt() : before.createdAt();
        accountsByUser.put(a.userId(), new GitHubAccount(a.userId(), a.githubId(), a.login(), a.encryptedToken(),
                a.scopes(), Micros.of(createdAt), Micros.of(a.updatedAt())));
    }

    @Override
    public synchronized Optional<GitHubAccount> accountOfUser(String userId) {
        return Optional.ofNullable(accountsByUser.get(userId));
    }

    @Override
    public synchronized Optional<GitHubAccount> accountByGitHubId(long githubId) {
        return accountsByUser.values().stream().filter(a -> a.githubId() == githubId).findFirst();
    }

    @Override
    public synchronized void saveLink(RepositoryLink link) {
        RepositoryLink before = linksByProject.get(link.projectId());
        Instant createdAt = before == null ? link.createdAt() : before.createdAt();
        linksByProject.put(link.projectId(), new RepositoryLink(link.projectId(), link.repositoryId(), link.fullName(),
                link.hookId(), Micros.of(createdAt)));
    }

    @Override
    public synchronized Optional<RepositoryLink> linkOfProject(String projectId) {
        return Optional.ofNullable(linksByProject.get(projectId));
    }

    @Override
    public synchronized List<RepositoryLink> linksOfRepository(long repositoryId) {
        return linksByProject.values().stream().filter(l -> l.repositoryId() == repositoryId).sorted(OLDEST_FIRST).toList();
    }

    @Override
    public synchronized boolean recordDelivery(String deliveryId, String event, Instant receivedAt) {
        return deliveries.putIfAbsent(deliveryId, Micros.of(receivedAt)) == null;
    }

    @Override
    public synchronized void forgetDelivery(String deliveryId) {
        deliveries.remove(deliveryId);
    }

    @Override
    public synchronized int pruneDeliveries(Instant before) {
        int size = deliveries.size();
        deliveries.values().removeIf(received -> received.isBefore(before));
        return size - deliveries.size();
    }
}
