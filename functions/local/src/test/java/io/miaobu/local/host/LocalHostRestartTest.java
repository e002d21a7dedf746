package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.config.MiaobuConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `./miaobu dev` keeps its data: the embedded PostgreSQL lives in the data directory. */
class LocalHostRestartTest {
    @TempDir
    Path data;

    @Test
    void accounts_and_projects_survive_a_restart_of_the_local_host() throws Exception {
        MiaobuConfig config = MiaobuConfig.fromEnv(Map.of("MIAOBU_PORT", "0", "MIAOBU_DATA_DIR", data.toString()));
        String projectId;
        try (LocalHost first = LocalHost.start(config)) {
            ApiClient user = new ApiClient(first.port()).signUp("restart@example.com");
            projectId = user.ok("POST", "/api/v1/projects", "{\"name\":\"Kept\",\"gitUrl\":\"https://example.com/kept.git\"}")
                    .get("id").asText();
        }
        assertThat(data.resolve("postgres/PG_VERSION")).exists();
        assertThat(data.resolve("postgres/postmaster.pid")).doesNotExist();

        try (LocalHost second = LocalHost.start(config)) {
            ApiClient again = new ApiClient(second.port()).logIn("restart@example.com");
            assertThat(again.ok("GET", "/api/v1/projects/" + projectId, null).get("name").asText()).isEqualTo("Kept");
        }
    }
}
