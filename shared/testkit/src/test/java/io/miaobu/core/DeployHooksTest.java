package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.miaobu.auth.User;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.DeployHook;
import io.miaobu.deploy.DeployHooks.Created;
import io.miaobu.deploy.DeployHooks.Triggered;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.Initiator;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.memory.InMemoryCore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DeployHooks on in-memory adapters: a secret URL that builds a branch's head when anyone POSTs to it. */
class DeployHooksTest {
    private static final String PREFIX = "https://api.miaobu.test/hooks/deploy/";

    final InMemoryCore core = new InMemoryCore();
    final User alice = core.user();
    final Project site = core.projects.create(alice, new NewProject("Shop", "https://github.com/acme/shop.git",
            "acme/shop", "main", null, null, null, null, null));

    private static String token(Created created) {
        assertThat(created.url()).startsWith(PREFIX);
        return created.url().substring(PREFIX.length());
    }


    @Test
    void a_new_hooks_url_is_shown_once_and_only_its_tokens_hash_is_stored() {
        Created created = core.deployHooks.create(alice, site.id(), "  CMS  ", null);
        String token = token(created);

        DeployHook stored = core.deployHookStore.listByProject(site.id()).get(0);
        assertThat(stored).isEqualTo(created.hook());
        assertThat(stored.name()).isEqualTo("CMS");
        assertThat(stored.branch()).as("the production branch when none is given").isEqualTo("main");
        assertThat(stored.tokenHash()).matches("[0-9a-f]{64}").doesNotContain(token);
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
        assertThat(core.deployHooks.list(alice, site.id())).containsExactly(stored);
    }

    @Test
    void every_hook_gets_its_own_url() {
        Created a = core.deployHooks.create(alice, site.id(), "CMS", null);
        Created b = core.deployHooks.create(alice, site.id(), "CMS", null);

        assertThat(a.url()).isNotEqualTo(b.url());
        assertThat(a.hook().tokenHash()).isNotEqualTo(b.hook().tokenHash());
    }

    @Test
    void calling_the_url_builds_the_hooks_branch_and_says_the_hook_did() {
        Created created = core.deployHooks.create(alice, site.id(), "CMS", "staging");

        Triggered triggered = core.deployHooks.trigger(token(created));

        Deployment d = triggered.deployment();
        assertThat(triggered.project().id()).isEqualTo(site.id());
        assertThat(d.status()).isEqualTo(DeploymentStatus.QUEUED);
        assertThat(d.branch()).isEqualTo("staging");
        assertThat(d.target()).isEqualTo(Deployment.PREVIEW);
        assertThat(d.trigger()).isEqualTo(Deployment.BY_HOOK);
        assertThat(d.initiator()).isEqualTo(Initiator.hook("CMS"));
        assertThat(core.queue.pending()).containsExactly(new BuildJob(d.id()));
    }

    /** A CMS that publishes twice in a row wants its last content built, not two builds in turn. */
    @Test
    void a_second_call_cancels_the_build_still_waiting_from_the_first() {
        String token = token(core.deployHooks.create(alice, site.id(), "CMS", null));
        Deployment first = core.deployHooks.trigger(token).deployment();
        core.clock.advance(Duration.ofSeconds(1));

        Deployment second = core.deployHooks.trigger(token).deployment();

        assertThat(core.deploymentStore.findById(first.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.CANCELED);
        assertThat(core.deploymentStore.findById(second.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.QUEUED);
    }

    @Test
    void an_unknown_or_deleted_hooks_url_is_404_and_builds_nothing() {
        Created created = core.deployHooks.create(alice, site.id(), "CMS", null);
        assertThat(catchThrowableOfType(ApiError.class, () -> core.deployHooks.trigger("tnotarealtoken000000000000000000000")).status()).isEqualTo(404);

        core.deployHooks.delete(alice, site.id(), created.hook().id());

        assertThat(catchThrowableOfType(ApiError.class, () -> core.deployHooks.trigger(token(created))).status()).isEqualTo(404);
        assertThat(core.deploymentStore.listByProject(site.id(), 10)).isEmpty();
        assertThat(core.deployHooks.list(alice, site.id())).isEmpty();
    }

    @Test
    void a_deleted_hooks_deployments_still_say_which_hook_started_them() {
        Created created = core.deployHooks.create(alice, site.id(), "CMS", null);
        Deployment d = core.deployHooks.trigger(token(created)).deployment();

        core.deployHooks.delete(alice, site.id(), created.hook().id());

        Deployment stored = core.deploymentStore.findById(d.id()).orElseThrow();
        assertThat(stored.trigger()).isEqualTo(Deployment.BY_HOOK);
        assertThat(stored.initiator()).isEqualTo(Initiator.hook("CMS"));
    }

    @Test
    void a_hook_needs_a_name_of_1_to_100_characters_and_a_valid_branch() {
        for (String name : new String[] {null, " ", "x".repeat(101)}) {
            ApiError refused = catchThrowableOfType(ApiError.class, () -> core.deployHooks.create(alice, site.id(), name, null));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.code()).isEqualTo("invalid_name");
        }
        ApiError branch = catchThrowableOfType(ApiError.class, () -> core.deployHooks.create(alice, site.id(), "CMS", "../main"));
        assertThat(branch.status()).isEqualTo(400);
        assertThat(branch.code()).isEqualTo("invalid_branch");
        assertThat(core.deployHookStore.listByProject(site.id())).isEmpty();
    }

    @Test
    void another_user_can_neither_see_add_nor_delete_a_projects_hooks() {
        Created created = core.deployHooks.create(alice, site.id(), "CMS", null);
        User mallory = core.user();

        for (Runnable call : List.<Runnable>of(() -> core.deployHooks.list(mallory, site.id()),
                () -> core.deployHooks.create(mallory, site.id(), "mine", null),
                () -> core.deployHooks.delete(mallory, site.id(), created.hook().id()))) {
            assertThat(catchThrowableOfType(ApiError.class, call::run).status()).isEqualTo(404);
        }
        assertThat(core.deployHookStore.listByProject(site.id())).containsExactly(created.hook());
    }

    @Test
    void deleting_a_hook_of_another_project_through_ones_own_is_404() {
        Created created = core.deployHooks.create(alice, site.id(), "CMS", null);
        Project other = core.projects.create(alice, new NewProject("Blog", null, null, null, null, null, null, null, null));

        assertThat(catchThrowableOfType(ApiError.class, () -> core.deployHooks.delete(alice, other.id(), created.hook().id())).status()).isEqualTo(404);
        assertThat(core.deployHooks.trigger(token(created)).deployment().projectId()).isEqualTo(site.id());
    }
}
