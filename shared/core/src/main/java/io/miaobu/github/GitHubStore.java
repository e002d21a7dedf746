package io.miaobu.github;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Linked GitHub accounts, project-to-repository links and the webhook deliveries already seen. */
public interface GitHubStore {
    /**
     * Inserts or replaces the user's account (token, login, scopes).
     *
     * @throws io.miaobu.store.DuplicateKeyException when that GitHub account is linked to another user
     */
    void saveAccount(GitHubAccount account);

    Optional<GitHubAccount> accountOfUser(String userId);

    Optional<GitHubAccount> accountByGitHubId(long githubId);

    void saveLink(RepositoryLink link);

    Optional<RepositoryLink> linkOfProject(String projectId);

    List<RepositoryLink> linksOfRepository(long repositoryId);

    /** Remembers a delivery id; false when it was already recorded (a redelivery). */
    boolean recordDelivery(String deliveryId, String event, Instant receivedAt);

    /** Forgets a delivery whose processing failed, so GitHub's redelivery is processed. */
    void forgetDelivery(String deliveryId);

    /** Deletes deliveries received before {@code before}; returns how many. */
    int pruneDeliveries(Instant before);
}
