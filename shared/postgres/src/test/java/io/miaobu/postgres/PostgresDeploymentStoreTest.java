package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.auth.User;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.deploy.Initiator;
import io.miaobu.edge.RouteConfig;
import io.miaobu.store.DuplicateKeyException;
import io.miaobu.testkit.DeploymentStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The DeploymentStore contract on PostgreSQL, plus what the table adds (foreign keys, jsonb). */
class PostgresDeploymentStoreTest extends DeploymentStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected DeploymentStore deployments() {
        return database.get().deployments();
    }

    @Override
    protected String newProjectId() {
        return Fixtures.projectId(database.get());
    }

    @Test
    void who_started_a_deployment_reads_back_after_that_user_is_deleted() {
        User starter = Fixtures.user(database.get());
        Deployment queued = Fixtures.deployment(newProjectId(), Fixtures.now());
        Deployment d = new Deployment(queued.id(), queued.projectId(), queued.status(), queued.target(), queued.branch(),
                null, null, null, null, null, null, queued.createdAt(), null, null, null, Deployment.BY_REDEPLOY,
                Initiator.user(starter.id(), "alice", "https://avatars.githubusercontent.com/u/7?v=4"));
        database.get().deployments().insert(d);

        database.get().jdbi().useHandle(h -> h.execute("DELETE FROM users WHERE id = ?", starter.id()));

        assertThat(database.get().deployments().findById(d.id())).contains(d);
    }

    @Test
    void a_deploy_hooks_name_reads_back() {
        Deployment queued = Fixtures.deployment(newProjectId(), Fixtures.now());
        Deployment d = new Deployment(queued.id(), queued.projectId(), queued.status(), queued.target(), queued.branch(),
                null, null, null, null, null, null, queued.createdAt(), null, null, null, Deployment.BY_HOOK,
                Initiator.hook("CMS publish"));
        database.get().deployments().insert(d);

        assertThat(database.get().deployments().findById(d.id()).orElseThrow().initiator().hookName()).isEqualTo("CMS publish");
    }

    @Test
    void the_default_route_config_is_stored_as_a_json_object() {
        Deployment d = Fixtures.deployment(database.get(), newProjectId());
        database.get().deployments().recordRouteConfig(d.id(), RouteConfig.DEFAULTS);
        String type = database.get().jdbi().withHandle(h -> h.createQuery(
                "SELECT jsonb_typeof(route_config) FROM deployments WHERE id = :id").bind("id", d.id())
                .mapTo(String.class).one());
        assertThat(type).isEqualTo("object");
    }

    @Test
    void a_deployment_for_a_missing_project_is_refused() {
        Deployment orphan = Fixtures.deployment("prj_missing", Fixtures.now());
        assertThatThrownBy(() -> database.get().deployments().insert(orphan)).isNotInstanceOf(DuplicateKeyException.class);
    }
}
