package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.local.host.HostileBuilds.Deployed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, the database: `./miaobu dev` keeps its embedded PostgreSQL on this machine's loopback,
 * where a build runs too. A build that finds its port (here from the test, as {@code ps} or a port
 * scan would tell it) must not be able to log in without a password.
 */
class HostileBuildsDatabaseTest {
    @TempDir
    Path tmp;

    @Test
    void a_build_cannot_log_in_to_the_local_database_without_a_password() throws Exception {
        try (LocalHost host = HostileBuilds.start(tmp, Map.of(), true)) {
            ApiClient user = new ApiClient(host.port()).signUp("hostile-db@example.com");
            // postmaster.pid: pid, data directory, start time, port, socket directory, listen address, ...
            List<String> postmaster = Files.readAllLines(tmp.resolve("data/postgres/postmaster.pid"));
            int port = Integer.parseInt(postmaster.get(3).strip());
            Map<String, Object> params = new HashMap<>(Map.of("port", port));
            if (postmaster.size() > 4 && !postmaster.get(4).isBlank()) {
                params.put("socket", postmaster.get(4).strip() + "/.s.PGSQL." + port);
            }
            Deployed probe = HostileBuilds.attack(user, tmp, "hostile-pgprobe", params, null, "pgprobe.js");

            JsonNode results = HostileBuilds.report(probe.log(), "POSTGRES");
            assertThat(results).as("the probe's report in its log: %s", probe).isNotNull();
            assertThat(results.get("127.0.0.1:" + port)).as("the probe over TCP: %s", probe).isNotNull();
            results.fields().forEachRemaining(result -> assertThat(result.getValue().asText())
                    .as("logging in as postgres without a password at %s (all probes: %s)", result.getKey(), results).isNotEqualTo("AuthenticationOk"));
        }
    }
}
