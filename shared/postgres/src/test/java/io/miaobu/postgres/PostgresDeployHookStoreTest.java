package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.DeployHook;
import io.miaobu.deploy.DeployHookStore;
import io.miaobu.projects.Project;
import io.miaobu.testkit.DeployHookStoreContract;
import io.miaobu.testkit.StoreFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The DeployHookStore contract on PostgreSQL, plus what the table adds (hooks go with their project). */
class PostgresDeployHookStoreTest extends DeployHookStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected DeployHookStore hooks() {
        return database.get().deployHooks();
    }

    @Override
    protected String newProjectId() {
        return Fixtures.projectId(database.get());
    }

    @Test
    void deleting_the_project_deletes_its_hooks_so_their_urls_stop_working() {
        PostgresDatabase db = database.get();
        Project p = Fixtures.project(db, Fixtures.user(db).id());
        DeployHook hook = new DeployHook(Fixtures.id("hook"), p.id(), "CMS", "main", StoreFixtures.sha256(), Fixtures.now());
        db.deployHooks().insert(hook);

        db.projects().delete(p.id());

        assertThat(db.deployHooks().findByTokenHash(hook.tokenHash())).isEmpty();
    }
}
