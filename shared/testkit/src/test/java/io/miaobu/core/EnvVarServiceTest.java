package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.api.EnvVarView;
import io.miaobu.auth.User;
import io.miaobu.envvars.EnvTarget;
import io.miaobu.envvars.EnvVar;
import io.miaobu.envvars.EnvVarService;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.memory.InMemoryCore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EnvVarService on in-memory adapters with the real AES-GCM secrets: what an owner sets is what a build gets, and nothing else sees it. */
class EnvVarServiceTest {
    final InMemoryCore core = new InMemoryCore();
    final User alice = core.user();
    final Project site = core.projects.create(alice, new NewProject("Shop", "https://github.com/acme/shop.git",
            "acme/shop", null, null, null, null, null, null));

    private List<EnvVarView> replace(String json) {
        return core.envVars.replace(alice, site.id(), json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void listed_variables_show_key_target_and_time_but_never_the_value() {
        List<EnvVarView> listed = replace("[{\"key\":\"API_TOKEN\",\"value\":\"s3cr3t-value\",\"target\":\"production\"}]");

        assertThat(listed).containsExactly(new EnvVarView("API_TOKEN", "production", core.clock.instant()));
        assertThat(core.envVars.list(alice, site.id())).isEqualTo(listed);
        assertThat(listed.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void values_are_stored_encrypted_and_bound_to_their_project_key_and_target() {
        replace("[{\"key\":\"API_TOKEN\",\"value\":\"s3cr3t-value\",\"target\":\"all\"}]");

        EnvVar stored = core.envVarStore.list(site.id()).get(0);
        assertThat(stored.encryptedValue()).doesNotContain("s3cr3t-value");
        assertThat(core.secrets.decrypt(stored.encryptedValue(), "env:" + site.id() + ":API_TOKEN:all"))
                .isEqualTo("s3cr3t-value");
        // Copied under another project or key, the ciphertext no longer opens.
        Project other = core.projects.create(alice, new NewProject("Other", null, null, null, null, null, null, null, null));
        core.envVarStore.replaceAll(other.id(), List.of(stored));
        assertThatThrownBy(() -> core.envVars.forBuild(other.id(), "production")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void a_build_gets_the_variables_of_its_target_and_a_specific_one_wins_over_all() {
        replace("[{\"key\":\"API_URL\",\"value\":\"https://api.example.com\",\"target\":\"all\"},"
                + "{\"key\":\"API_URL\",\"value\":\"https://staging.example.com\",\"target\":\"preview\"},"
                + "{\"key\":\"LIVE_KEY\",\"value\":\"pk_live\",\"target\":\"production\"}]");

        assertThat(core.envVars.forBuild(site.id(), "production"))
                .isEqualTo(Map.of("API_URL", "https://api.example.com", "LIVE_KEY", "pk_live"));
        assertThat(core.envVars.forBuild(site.id(), "preview"))
                .isEqualTo(Map.of("API_URL", "https://staging.example.com"));
    }

    @Test
    void a_variable_sent_without_a_value_keeps_the_stored_one_and_its_time() {
        replace("[{\"key\":\"TOKEN\",\"value\":\"first\"},{\"key\":\"OTHER\",\"value\":\"x\"}]");
        Instant setAt = core.clock.instant();
        core.clock.advance(Duration.ofHours(1));

        List<EnvVarView> listed = replace("[{\"key\":\"TOKEN\"}]");

        assertThat(listed).containsExactly(new EnvVarView("TOKEN", "all", setAt));
        assertThat(core.envVars.forBuild(site.id(), "production")).isEqualTo(Map.of("TOKEN", "first"));
    }

    @Test
    void every_problem_is_reported_at_once_on_its_entry_and_nothing_is_stored() {
        replace("[{\"key\":\"KEPT\",\"value\":\"v\"}]");

        assertThatThrownBy(() -> replace("[{\"key\":\"1BAD\",\"value\":\"v\"},"
                + "{\"key\":\"PATH\",\"value\":\"/evil\"},"
                + "{\"key\":\"MIAOBU_TOKEN\",\"value\":\"x\"},"
                + "{\"key\":\"NEW\"},"
                + "{\"key\":\"T\",\"value\":\"v\",\"target\":\"staging\"},"
                + "{\"key\":\"LONG\",\"value\":\"" + "x".repeat(EnvVarService.MAX_VALUE_CHARS + 1) + "\"}]"))
                .hasFieldOrPropertyWithValue("status", 400)
                .satisfies(e -> assertThat(ProjectServiceTest.fields(e)).as(e.getMessage()).containsOnlyKeys(
                        "[0].key", "[1].key", "[2].key", "[3].value", "[4].target", "[5].value"));
        assertThat(core.envVarStore.list(site.id())).extracting(EnvVar::key).containsExactly("KEPT");
    }

    @Test
    void a_nul_character_anywhere_in_the_request_is_refused() {
        assertThatThrownBy(() -> replace("[{\"key\":\"K\",\"value\":\"a\\u0000b\"}]"))
                .hasFieldOrPropertyWithValue("status", 400).hasMessageContaining("NUL");
        assertThat(core.envVarStore.list(site.id())).isEmpty();
    }

    @Test
    void the_same_key_twice_for_one_target_is_refused_but_once_per_target_is_fine() {
        assertThatThrownBy(() -> replace("[{\"key\":\"K\",\"value\":\"a\"},{\"key\":\"K\",\"value\":\"b\",\"target\":\"all\"}]"))
                .satisfies(e -> assertThat(ProjectServiceTest.fields(e)).containsOnlyKeys("[1].key"));

        replace("[{\"key\":\"K\",\"value\":\"a\",\"target\":\"production\"},{\"key\":\"K\",\"value\":\"b\",\"target\":\"preview\"}]");
        assertThat(core.envVarStore.list(site.id())).extracting(EnvVar::target)
                .containsExactly(EnvTarget.PREVIEW, EnvTarget.PRODUCTION);
    }

    @Test
    void someone_elses_variables_are_not_found() {
        replace("[{\"key\":\"TOKEN\",\"value\":\"v\"}]");
        User mallory = core.user();

        assertThatThrownBy(() -> core.envVars.list(mallory, site.id())).hasFieldOrPropertyWithValue("status", 404);
        assertThatThrownBy(() -> core.envVars.replace(mallory, site.id(), "[]".getBytes(StandardCharsets.UTF_8)))
                .hasFieldOrPropertyWithValue("status", 404);
        assertThat(core.envVarStore.list(site.id())).hasSize(1);
    }
}
