package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.auth.User;
import io.miaobu.github.GitHubAccount;
import io.miaobu.github.GitHubStore;
import io.miaobu.github.RepositoryLink;
import io.miaobu.projects.Project;
import io.miaobu.testkit.GitHubStoreContract;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The GitHubStore contract on PostgreSQL, plus what the tables add (links and accounts go with their owner). */
class PostgresGitHubStoreTest extends GitHubStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected GitHubStore github() {
        return database.get().github();
    }

    @Override
    protected String newUserId() {
        return Fixtures.user(database.get()).id();
    }

    @Override
    protected String newProjectId() {
        return Fixtures.project(database.get(), newUserId()).id();
    }

    @Test
    void a_deleted_projects_link_is_gone_and_its_repository_no_longer_builds_it() {
        PostgresDatabase db = database.get();
        User user = Fixtures.user(db);
        Project a = Fixtures.project(db, user.id());
        Project b = Fixtures.project(db, user.id());
        Instant now = Fixtures.now();
        db.github().saveLink(new RepositoryLink(a.id(), 77, "acme/mono", 480L, now));
        db.github().saveLink(new RepositoryLink(b.id(), 77, "acme/mono", 480L, now.plusSeconds(1)));

        db.projects().delete(a.id());

        assertThat(db.github().linksOfRepository(77)).extracting(RepositoryLink::projectId).containsExactly(b.id());
        assertThat(db.github().linkOfProject(a.id())).isEmpty();
    }

    @Test
    void a_deleted_users_github_account_is_unlinked() {
        PostgresDatabase db = database.get();
        User user = Fixtures.user(db);
        Instant now = Fixtures.now();
        db.github().saveAccount(new GitHubAccount(user.id(), 31337, "mona", "v1.sealed", "repo", now, now));

        db.jdbi().useHandle(h -> h.execute("DELETE FROM users WHERE id = ?", user.id()));

        assertThat(db.github().accountByGitHubId(31337)).isEmpty();
    }

    @Test
    void the_sealed_token_never_shows_in_an_accounts_text() {
        Instant now = Fixtures.now();
        GitHubAccount account = new GitHubAccount(newUserId(), 9919, "mona", "v1.sealed-token", "repo", now, now);
        database.get().github().saveAccount(account);
        assertThat(database.get().github().accountOfUser(account.userId()).orElseThrow().toString())
                .doesNotContain("v1.sealed-token");
    }
}
