package io.miaobu.testkit;

import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.envvars.EnvTarget;
import io.miaobu.envvars.EnvVar;
import io.miaobu.envvars.EnvVarStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every EnvVarStore does: PostgreSQL's and the in-memory one the core's unit tests use. */
public abstract class EnvVarStoreContract {
    protected abstract EnvVarStore envVars();

    /** The id of a new project variables may belong to (a real row where the store needs one). */
    protected abstract String newProjectId();

    @Test
    void a_project_without_variables_lists_none() {
        assertThat(envVars().list(newProjectId())).isEmpty();
    }

    @Test
    void variables_read_back_ordered_by_key_then_target() {
        String project = newProjectId();
        EnvVar b = new EnvVar("B_KEY", EnvTarget.ALL, "cipher-b", now());
        EnvVar aProduction = new EnvVar("A_KEY", EnvTarget.PRODUCTION, "cipher-a2", now());
        EnvVar aPreview = new EnvVar("A_KEY", EnvTarget.PREVIEW, "cipher-a1", now());

        envVars().replaceAll(project, List.of(b, aProduction, aPreview));

        assertThat(envVars().list(project)).containsExactly(aPreview, aProduction, b);
    }

    @Test
    void replacing_the_set_drops_what_is_not_in_it_and_leaves_other_projects_alone() {
        String project = newProjectId();
        String other = newProjectId();
        EnvVar kept = new EnvVar("OTHER", EnvTarget.ALL, "cipher-o", now());
        envVars().replaceAll(other, List.of(kept));
        envVars().replaceAll(project, List.of(new EnvVar("OLD", EnvTarget.ALL, "cipher-old", now())));
        EnvVar fresh = new EnvVar("NEW", EnvTarget.PREVIEW, "cipher-new", now());

        envVars().replaceAll(project, List.of(fresh));
        assertThat(envVars().list(project)).containsExactly(fresh);

        envVars().replaceAll(project, List.of());
        assertThat(envVars().list(project)).isEmpty();
        assertThat(envVars().list(other)).containsExactly(kept);
    }
}
