package io.miaobu.testkit;

import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.github.GitHubAccount;
import io.miaobu.github.GitHubStore;
import io.miaobu.github.RepositoryLink;
import io.miaobu.store.DuplicateKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * What every GitHubStore does: PostgreSQL's and the in-memory one the core's unit tests use. A GitHub
 * account links to one user; saving again replaces what GitHub said but keeps when it was first
 * linked; a webhook delivery is processed once unless its processing failed.
 */
public abstract class GitHubStoreContract {
    protected abstract GitHubStore github();

    /** The id of a new user an account may belong to (a real row where the store needs one). */
    protected abstract String newUserId();

    /** The id of a new project a repository may be linked to. */
    protected abstract String newProjectId();

    private static long newGitHubId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    @Test
    void an_account_is_found_by_user_or_github_id() {
        Instant t = now();
        GitHubAccount account = new GitHubAccount(newUserId(), newGitHubId(), "mona", "v1.sealed", "repo,user:email", t, t);
        github().saveAccount(account);

        assertThat(github().accountOfUser(account.userId())).contains(account);
        assertThat(github().accountByGitHubId(account.githubId())).contains(account);
        assertThat(github().accountOfUser(newUserId())).isEmpty();
        assertThat(github().accountByGitHubId(newGitHubId())).isEmpty();
    }

    @Test
    void saving_again_replaces_login_token_and_scopes_but_keeps_when_it_was_linked() {
        String user = newUserId();
        long githubId = newGitHubId();
        Instant linked = now();
        github().saveAccount(new GitHubAccount(user, githubId, "mona", "v1.first", "repo", linked, linked));
        Instant later = linked.plusSeconds(60);
        github().saveAccount(new GitHubAccount(user, githubId, "mona-renamed", "v1.second", null, later, later));

        assertThat(github().accountOfUser(user))
                .contains(new GitHubAccount(user, githubId, "mona-renamed", "v1.second", null, linked, later));
    }

    @Test
    void a_user_who_links_another_github_account_is_found_by_the_new_id_only() {
        String user = newUserId();
        long before = newGitHubId();
        long after = newGitHubId();
        Instant t = now();
        github().saveAccount(new GitHubAccount(user, before, "mona", "v1.a", "", t, t));
        github().saveAccount(new GitHubAccount(user, after, "octocat", "v1.b", "", t, t));

        assertThat(github().accountByGitHubId(before)).isEmpty();
        assertThat(github().accountByGitHubId(after).orElseThrow().userId()).isEqualTo(user);
    }

    @Test
    void one_github_account_cannot_belong_to_two_users() {
        long githubId = newGitHubId();
        Instant t = now();
        GitHubAccount first = new GitHubAccount(newUserId(), githubId, "hubot", "v1.a", "", t, t);
        github().saveAccount(first);
        String other = newUserId();

        assertThatThrownBy(() -> github().saveAccount(new GitHubAccount(other, githubId, "hubot", "v1.b", "", t, t)))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(github().accountOfUser(other)).isEmpty();
        assertThat(github().accountByGitHubId(githubId)).contains(first);
    }

    @Test
    void a_repositorys_links_list_oldest_first_and_relinking_a_project_moves_it() {
        long repository = newGitHubId();
        Instant t = now();
        RepositoryLink second = new RepositoryLink(newProjectId(), repository, "acme/mono", 480L, t.plusSeconds(1));
        RepositoryLink first = new RepositoryLink(newProjectId(), repository, "acme/mono", null, t);
        github().saveLink(second);
        github().saveLink(first);

        assertThat(github().linksOfRepository(repository)).containsExactly(first, second);
        assertThat(github().linkOfProject(first.projectId())).contains(first);
        assertThat(github().linkOfProject(newProjectId())).isEmpty();

        long elsewhere = newGitHubId();
        github().saveLink(new RepositoryLink(first.projectId(), elsewhere, "acme/other", 9L, t.plusSeconds(5)));
        assertThat(github().linksOfRepository(repository)).containsExactly(second);
        assertThat(github().linkOfProject(first.projectId()))
                .contains(new RepositoryLink(first.projectId(), elsewhere, "acme/other", 9L, t));
    }

    @Test
    void a_delivery_is_recorded_once_and_can_be_forgotten_to_be_processed_again() {
        String delivery = StoreFixtures.id("delivery");
        assertThat(github().recordDelivery(delivery, "push", now())).isTrue();
        assertThat(github().recordDelivery(delivery, "push", now())).isFalse();

        github().forgetDelivery(delivery);
        assertThat(github().recordDelivery(delivery, "push", now())).isTrue();
        github().forgetDelivery(StoreFixtures.id("delivery"));
    }

    @Test
    void deliveries_received_before_the_cutoff_are_pruned() {
        Instant cutoff = now().minus(Duration.ofDays(30));
        String old = StoreFixtures.id("delivery");
        String atCutoff = StoreFixtures.id("delivery");
        String recent = StoreFixtures.id("delivery");
        github().recordDelivery(old, "push", cutoff.minusSeconds(1));
        github().recordDelivery(atCutoff, "ping", cutoff);
        github().recordDelivery(recent, "push", now());

        assertThat(github().pruneDeliveries(cutoff)).isOne();
        assertThat(github().recordDelivery(old, "push", now())).isTrue();
        assertThat(github().recordDelivery(atCutoff, "ping", now())).isFalse();
        assertThat(github().recordDelivery(recent, "push", now())).isFalse();
    }
}
