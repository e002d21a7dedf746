package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.auth.User;
import io.miaobu.deploy.DeployHook;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.github.GitHubAccount;
import io.miaobu.github.RepositoryLink;
import io.miaobu.projects.Project;
import io.miaobu.store.DuplicateKeyException;
import io.miaobu.testkit.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresGitHubStoreTest {
    PostgresDatabase db;

    @BeforeEach
    void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void an_account_is_saved_replaced_and_found_by_user_or_github_id() {
        User user = Fixtures.user(db);
        Instant now = Fixtures.now();
        db.github().saveAccount(new GitHubAccount(user.id(), 9919, "mona", "v1.first", "repo", now, now));
        db.github().saveAccount(new GitHubAccount(user.id(), 9919, "mona-renamed", "v1.second", "repo,user:email", now, now));

        GitHubAccount found = db.github().accountOfUser(user.id()).orElseThrow();
        assertThat(found.login()).isEqualTo("mona-renamed");
        assertThat(found.encryptedToken()).isEqualTo("v1.second");
        assertThat(db.github().accountByGitHubId(9919)).contains(found);
        assertThat(found.toString()).doesNotContain("v1.second");
    }

    @Test
    void one_github_account_cannot_belong_to_two_users() {
        Instant now = Fixtures.now();
        db.github().saveAccount(new GitHubAccount(Fixtures.user(db).id(), 4242, "hubot", "v1.a", "", now, now));
        String other = Fixtures.user(db).id();
        assertThatThrownBy(() -> db.github().saveAccount(new GitHubAccount(other, 4242, "hubot", "v1.b", "", now, now)))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void links_are_found_by_repository_and_go_with_their_project() {
        User user = Fixtures.user(db);
        Project a = Fixtures.project(db, user.id());
        Project b = Fixtures.project(db, user.id());
        Instant now = Fixtures.now();
        db.github().saveLink(new RepositoryLink(a.id(), 77, "acme/mono", 480L, now));
        db.github().saveLink(new RepositoryLink(b.id(), 77, "acme/mono", 480L, now.plusSeconds(1)));

        assertThat(db.github().linksOfRepository(77)).extracting(RepositoryLink::projectId).containsExactly(a.id(), b.id());
        db.projects().delete(a.id());
        assertThat(db.github().linksOfRepository(77)).extracting(RepositoryLink::projectId).containsExactly(b.id());
        assertThat(db.github().linkOfProject(a.id())).isEmpty();
    }

    @Test
    void a_delivery_is_recorded_once_can_be_forgotten_and_is_pruned_when_old() {
        Instant now = Fixtures.now();
        assertThat(db.github().recordDelivery("d-1", "push", now)).isTrue();
        assertThat(db.github().recordDelivery("d-1", "push", now)).isFalse();
        db.github().forgetDelivery("d-1");
        assertThat(db.github().recordDelivery("d-1", "push", now)).isTrue();
        db.github().recordDelivery("d-old", "push", now.minus(Duration.ofDays(40)));

        assertThat(db.github().pruneDeliveries(now.minus(Duration.ofDays(30)))).isEqualTo(1);
        assertThat(db.github().recordDelivery("d-old", "push", now)).isTrue();
    }

    @Test
    void branch_queries_find_the_newest_ready_the_queued_and_a_commits_deployments() {
        Project p = Fixtures.project(db, Fixtures.user(db).id());
        Instant t = Fixtures.now();
        Deployment older = preview(p, "feature", "a".repeat(40), t);
        Deployment newer = preview(p, "feature", "b".repeat(40), t.plusSeconds(1));
        Deployment queued = preview(p, "feature", "c".repeat(40), t.plusSeconds(2));
        preview(p, "other", "d".repeat(40), t.plusSeconds(3));
        for (Deployment d : new Deployment[] {older, newer}) {
            db.deployments().transition(d.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.READY, t);
        }

        assertThat(db.deployments().newestReady(p.id(), "feature").orElseThrow().id()).isEqualTo(newer.id());
        assertThat(db.deployments().newestReady(p.id(), "other")).isEmpty();
        assertThat(db.deployments().listQueued(p.id(), "feature")).extracting(Deployment::id).containsExactly(queued.id());
        db.deployments().recordCommit(older.id(), "e".repeat(40), "checked out", null);
        assertThat(db.deployments().listByCommit(p.id(), "e".repeat(40))).extracting(Deployment::id).containsExactly(older.id());
        assertThat(db.deployments().listByCommit(p.id(), "c".repeat(40))).extracting(Deployment::id).containsExactly(queued.id());
    }

    @Test
    void deploy_hooks_are_found_by_token_hash_and_deleted_only_through_their_project() {
        Project p = Fixtures.project(db, Fixtures.user(db).id());
        DeployHook hook = new DeployHook("h1", p.id(), "CMS", "main", "f".repeat(64), Fixtures.now());
        db.deployHooks().insert(hook);

        assertThat(db.deployHooks().findByTokenHash("f".repeat(64))).contains(hook);
        assertThat(db.deployHooks().listByProject(p.id())).containsExactly(hook);
        assertThat(db.deployHooks().delete("another-project", "h1")).isFalse();
        assertThat(db.deployHooks().delete(p.id(), "h1")).isTrue();
        assertThat(db.deployHooks().findByTokenHash("f".repeat(64))).isEmpty();
    }

    private Deployment preview(Project p, String branch, String sha, Instant at) {
        Deployment d = new Deployment(Fixtures.id("dpl"), p.id(), DeploymentStatus.QUEUED, Deployment.PREVIEW, branch, sha,
                null, null, null, null, null, at, null, null, null, Deployment.BY_PUSH);
        db.deployments().insert(d);
        return d;
    }
}
