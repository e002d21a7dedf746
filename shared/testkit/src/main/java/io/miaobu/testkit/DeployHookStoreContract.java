package io.miaobu.testkit;

import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.deploy.DeployHook;
import io.miaobu.deploy.DeployHookStore;
import io.miaobu.store.DuplicateKeyException;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every DeployHookStore does: PostgreSQL's and the in-memory one the core's unit tests use. A
 * hook is found by its token's hash alone (the POST carries nothing else), so a hash names one hook;
 * and a hook is deleted only through its own project, so one user cannot delete another's.
 */
public abstract class DeployHookStoreContract {
    protected abstract DeployHookStore hooks();

    /** The id of a new project hooks may belong to (a real row where the store needs one). */
    protected abstract String newProjectId();

    private String projectId;

    @BeforeEach
    void newProject() {
        projectId = newProjectId();
    }

    private DeployHook inserted(String project, String name, Instant createdAt) {
        DeployHook hook = new DeployHook(StoreFixtures.id("hook"), project, name, "main", StoreFixtures.sha256(), createdAt);
        hooks().insert(hook);
        return hook;
    }

    @Test
    void a_hook_is_found_by_its_token_hash() {
        DeployHook hook = inserted(projectId, "CMS publish ✓", now());

        assertThat(hooks().findByTokenHash(hook.tokenHash())).contains(hook);
        assertThat(hooks().findByTokenHash(StoreFixtures.sha256())).isEmpty();
    }

    @Test
    void a_projects_hooks_list_oldest_first_and_only_its_own() {
        Instant t = now();
        DeployHook second = inserted(projectId, "second", t.plusSeconds(1));
        DeployHook first = inserted(projectId, "first", t);
        inserted(newProjectId(), "someone else's", t);

        assertThat(hooks().listByProject(projectId)).containsExactly(first, second);
        assertThat(hooks().listByProject(newProjectId())).isEmpty();
    }

    @Test
    void a_second_hook_with_the_same_id_or_token_hash_is_a_duplicate() {
        DeployHook hook = inserted(projectId, "CMS", now());
        DeployHook sameToken = new DeployHook(StoreFixtures.id("hook"), projectId, "copy", "main", hook.tokenHash(), now());
        DeployHook sameId = new DeployHook(hook.id(), projectId, "copy", "main", StoreFixtures.sha256(), now());

        assertThatThrownBy(() -> hooks().insert(sameToken)).isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> hooks().insert(sameId)).isInstanceOf(DuplicateKeyException.class);
        assertThat(hooks().listByProject(projectId)).containsExactly(hook);
    }

    @Test
    void a_hook_is_deleted_only_through_its_own_project() {
        DeployHook hook = inserted(projectId, "CMS", now());

        assertThat(hooks().delete(newProjectId(), hook.id())).isFalse();
        assertThat(hooks().findByTokenHash(hook.tokenHash())).contains(hook);

        assertThat(hooks().delete(projectId, hook.id())).isTrue();
        assertThat(hooks().findByTokenHash(hook.tokenHash())).isEmpty();
        assertThat(hooks().listByProject(projectId)).isEmpty();
        assertThat(hooks().delete(projectId, hook.id())).isFalse();
    }
}
