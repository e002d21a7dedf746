package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.auth.User;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentService.NewDeployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectChanges;
import io.miaobu.projects.ProjectService;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.memory.InMemoryCore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.assertj.core.util.introspection.PropertyOrFieldSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProjectService on in-memory adapters: names, addresses, settings and deletion as a project's owner sees them. */
class ProjectServiceTest {
    final InMemoryCore core = new InMemoryCore();
    final User alice = core.user();

    private static NewProject named(String name) {
        return new NewProject(name, "https://github.com/acme/blog.git", "acme/blog", null, null, null, null, null, null);
    }

    @Test
    void a_project_is_addressed_by_its_name_made_into_a_slug() {
        Project p = core.projects.create(alice, named("Ünïcode Blog!"));

        assertThat(p.slug()).isEqualTo("unicode-blog");
        assertThat(p.productionBranch()).isEqualTo("main");
        assertThat(p.autoPublish()).isTrue();
        assertThat(p.createdAt()).isEqualTo(core.clock.instant());
        assertThat(core.projectStore.findBySlug("unicode-blog")).contains(p);
    }

    @Test
    void a_name_already_taken_gets_the_next_free_suffix_whoever_owns_the_first() {
        Project first = core.projects.create(core.user(), named("Blog"));
        Project second = core.projects.create(alice, named("Blog"));
        Project third = core.projects.create(alice, named("blog"));

        assertThat(first.slug()).isEqualTo("blog");
        assertThat(second.slug()).isEqualTo("blog-2");
        assertThat(third.slug()).isEqualTo("blog-3");
    }

    @Test
    void when_every_suffix_is_taken_the_owner_is_asked_for_another_name() {
        for (int i = 0; i < ProjectService.SLUG_ATTEMPTS; i++) {
            core.projects.create(alice, named("Busy"));
        }

        assertThatThrownBy(() -> core.projects.create(alice, named("Busy")))
                .hasFieldOrPropertyWithValue("status", 409).hasMessageContaining("choose another name");
        assertThat(core.projects.list(alice)).hasSize(ProjectService.SLUG_ATTEMPTS);
    }

    @Test
    void a_name_that_would_take_a_platform_address_is_refused_on_the_name_field() {
        for (String reserved : new String[] {"API", "www", "Dashboard"}) {
            assertThatThrownBy(() -> core.projects.create(alice, named(reserved)))
                    .hasFieldOrPropertyWithValue("status", 400)
                    .hasFieldOrPropertyWithValue("code", "reserved_name")
                    .satisfies(e -> assertThat(fields(e)).containsOnlyKeys("name"));
        }
        assertThat(core.projects.list(alice)).isEmpty();
    }

    @Test
    void bad_settings_are_refused_on_the_field_that_is_wrong() {
        assertThatThrownBy(() -> core.projects.create(alice, new NewProject("Site", "file:///etc", null, null, null,
                null, null, null, null))).satisfies(e -> assertThat(fields(e)).containsKey("gitUrl"));
        assertThatThrownBy(() -> core.projects.create(alice, new NewProject("Site", null, null, null, "../outside",
                null, null, null, null))).satisfies(e -> assertThat(fields(e)).containsKey("rootDirectory"));
        assertThatThrownBy(() -> core.projects.create(alice, new NewProject("Site", null, null, "no branch", null,
                null, null, null, null))).satisfies(e -> assertThat(fields(e)).containsKey("productionBranch"));
        assertThatThrownBy(() -> core.projects.create(alice, new NewProject("  ", null, null, null, null,
                null, null, null, null))).satisfies(e -> assertThat(fields(e)).containsKey("name"));
        assertThat(core.projects.list(alice)).isEmpty();
    }

    @Test
    void someone_elses_project_looks_missing() {
        Project p = core.projects.create(alice, named("Blog"));
        User mallory = core.user();

        assertThatThrownBy(() -> core.projects.owned(mallory, p.id())).hasFieldOrPropertyWithValue("status", 404);
        assertThatThrownBy(() -> core.projects.delete(mallory, p.id())).hasFieldOrPropertyWithValue("status", 404);
        assertThat(core.projects.list(mallory)).isEmpty();
        assertThat(core.projectStore.findById(p.id())).isPresent();
    }

    @Test
    void renaming_a_project_keeps_its_address_and_stamps_the_change() {
        Project p = core.projects.create(alice, named("Blog"));
        core.clock.advance(Duration.ofMinutes(3));

        Project renamed = core.projects.update(alice, p.id(), ProjectChanges.parse(
                "{\"name\":\"Journal\",\"buildCommand\":\"pnpm build\",\"autoPublish\":false}".getBytes()));

        assertThat(renamed.name()).isEqualTo("Journal");
        assertThat(renamed.slug()).isEqualTo("blog");
        assertThat(renamed.buildCommand()).isEqualTo("pnpm build");
        assertThat(renamed.autoPublish()).isFalse();
        assertThat(renamed.updatedAt()).isEqualTo(core.clock.instant());
        assertThat(core.projectStore.findById(p.id())).contains(renamed);
    }

    @Test
    void deleting_a_project_cancels_its_builds_and_takes_its_hosts_and_files_away(@TempDir Path tmp) throws Exception {
        Project p = core.projects.create(alice, named("Blog"));
        Deployment live = core.deployments.create(alice, p.id(), new NewDeployment(null, null)).deployment();
        core.deploymentStore.finish(live.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.READY, null,
                DeploymentStats.EMPTY, core.clock.instant());
        core.deployments.promote(alice, live.id());
        Deployment building = core.deployments.create(alice, p.id(), new NewDeployment(null, null)).deployment();
        core.artifacts.put(live.prefix() + "index.html", Files.writeString(tmp.resolve("index.html"), "hi"), "text/html");
        Project kept = core.projects.create(alice, named("Other"));
        core.artifacts.put("sites/" + kept.id() + "/d/index.html", tmp.resolve("index.html"), "text/html");

        core.projects.delete(alice, p.id());

        assertThat(core.projectStore.findById(p.id())).isEmpty();
        assertThat(core.deploymentStore.findById(building.id()).orElseThrow().error()).isEqualTo("The project was deleted.");
        assertThat(core.routes.get(core.hosts.production(p.slug()))).isEmpty();
        assertThat(core.routes.get(core.hosts.deployment(live.id(), p.slug()))).isEmpty();
        assertThat(core.artifacts.list("sites/" + p.id() + "/")).isEmpty();
        assertThat(core.artifacts.list("sites/" + kept.id() + "/")).hasSize(1);
    }

    /** The per-field problems a 400 carries (read by name, so it holds whatever the error type is called). */
    @SuppressWarnings("unchecked")
    static Map<String, String> fields(Throwable e) {
        return (Map<String, String>) PropertyOrFieldSupport.EXTRACTION.getValueOf("fields", e);
    }
}
