package io.miaobu.testkit;

import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import io.miaobu.store.DuplicateKeyException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every ProjectStore does: PostgreSQL's and the in-memory one the core's unit tests use. Slugs
 * are unique (ProjectService picks {@code blog-2} when {@code blog} is a duplicate), lists are newest
 * first, and an update never moves the owner, the live deployment or the creation time.
 */
public abstract class ProjectStoreContract {
    protected abstract ProjectStore projects();

    /** A user who may own projects (a real row where the store needs one). */
    protected abstract String newOwnerId();

    /** A deployment of {@code projectId} the project may point at. */
    protected abstract String newDeploymentOf(String projectId);

    private Project inserted(String ownerId) {
        Project p = StoreFixtures.project(ownerId, now());
        projects().insert(p);
        return p;
    }

    @Test
    void an_inserted_project_round_trips_by_id_and_slug() {
        Project project = inserted(newOwnerId());

        assertThat(projects().findById(project.id())).contains(project);
        assertThat(projects().findBySlug(project.slug())).contains(project);
        assertThat(projects().findById("prj_missing")).isEmpty();
        assertThat(projects().findBySlug("no-such-slug")).isEmpty();
    }

    @Test
    void a_taken_slug_is_a_duplicate_on_insert_and_on_update() {
        String owner = newOwnerId();
        Project first = inserted(owner);
        Project clash = StoreFixtures.project(owner, now());
        Project sameSlug = new Project(clash.id(), owner, "x", first.slug(), null, null, null, null, null, null,
                null, false, null, clash.createdAt(), clash.updatedAt());

        assertThatThrownBy(() -> projects().insert(sameSlug)).isInstanceOf(DuplicateKeyException.class);
        assertThat(projects().findById(clash.id())).isEmpty();

        Project second = inserted(owner);
        Project renamed = new Project(second.id(), owner, second.name(), first.slug(), null, null, null, null,
                null, null, null, false, null, second.createdAt(), now());
        assertThatThrownBy(() -> projects().update(renamed)).isInstanceOf(DuplicateKeyException.class);
        assertThat(projects().findById(second.id())).contains(second);
    }

    @Test
    void a_project_keeps_its_own_slug_when_updated() {
        Project project = inserted(newOwnerId());
        Instant later = now().plusSeconds(1);
        Project renamed = new Project(project.id(), project.ownerId(), "Renamed", project.slug(), project.gitUrl(),
                project.githubRepository(), project.productionBranch(), null, null, null, null, true, null,
                project.createdAt(), later);

        projects().update(renamed);

        assertThat(projects().findBySlug(project.slug()).orElseThrow().name()).isEqualTo("Renamed");
    }

    @Test
    void the_same_id_twice_is_a_duplicate() {
        Project project = inserted(newOwnerId());
        Project again = new Project(project.id(), project.ownerId(), "Other", project.slug() + "-other", null, null,
                "main", null, null, null, null, true, null, project.createdAt(), project.updatedAt());
        assertThatThrownBy(() -> projects().insert(again)).isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void list_by_owner_is_newest_first_and_only_that_owner() {
        String owner = newOwnerId();
        Instant t = now();
        Project oldest = StoreFixtures.project(owner, t.minusSeconds(30));
        Project newest = StoreFixtures.project(owner, t);
        Project middle = StoreFixtures.project(owner, t.minusSeconds(10));
        for (Project p : List.of(oldest, newest, middle)) {
            projects().insert(p);
        }
        inserted(newOwnerId());

        assertThat(projects().listByOwner(owner)).containsExactly(newest, middle, oldest);
        assertThat(projects().listByOwner("usr_nobody")).isEmpty();
    }

    @Test
    void update_writes_the_settings_but_not_the_owner_live_deployment_or_creation_time() {
        String owner = newOwnerId();
        Project project = inserted(owner);
        String live = newDeploymentOf(project.id());
        assertThat(projects().setLiveDeployment(project.id(), live)).isTrue();

        Instant later = now().plusSeconds(5);
        Project edited = new Project(project.id(), "usr_someone_else", "Renamed", project.slug() + "-2",
                "https://example.com/other.git", "acme/other", "trunk", "web", "pnpm install", "pnpm build", "out",
                false, null, later, later);
        projects().update(edited);

        assertThat(projects().findById(project.id())).contains(new Project(project.id(), owner, "Renamed",
                project.slug() + "-2", "https://example.com/other.git", "acme/other", "trunk", "web", "pnpm install",
                "pnpm build", "out", false, live, project.createdAt(), later));
    }

    @Test
    void set_live_deployment_reports_whether_the_project_exists() {
        Project project = inserted(newOwnerId());
        String d = newDeploymentOf(project.id());

        assertThat(projects().setLiveDeployment(project.id(), d)).isTrue();
        assertThat(projects().findById(project.id()).orElseThrow().liveDeploymentId()).isEqualTo(d);
        assertThat(projects().setLiveDeployment("prj_gone", d)).isFalse();
    }

    @Test
    void a_deleted_project_is_gone_and_deleting_it_again_is_fine() {
        String owner = newOwnerId();
        Project project = inserted(owner);
        Project kept = inserted(owner);

        projects().delete(project.id());
        projects().delete(project.id());

        assertThat(projects().findById(project.id())).isEmpty();
        assertThat(projects().findBySlug(project.slug())).isEmpty();
        assertThat(projects().listByOwner(owner)).containsExactly(kept);
    }
}
