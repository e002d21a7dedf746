package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.Platform;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.deploy.Deployment;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.projects.Project;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.StoreFixtures;
import io.miaobu.testkit.memory.InMemoryCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service graph as each function builds it, once, from the ports it carries: what it was not given it does
 * not serve, and what it was given is there from its first request (no half-built platform to call).
 */
class PlatformTest {
    final InMemoryCore core = new InMemoryCore();

    @TempDir
    Path data;

    private Platform.Assembly assembly() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        MiaobuConfig config = MiaobuConfig.fromEnv(Map.of("MIAOBU_DATA_DIR", data.toString(),
                "MIAOBU_BASE_DOMAIN", "miaobu.test", "MIAOBU_EDGE_TARGET", "edge.miaobu.test"));
        return Platform.assemble(config, SecretKeys.fromBase64(Base64.getEncoder().encodeToString(key)), core.database,
                core.queue, core.artifacts, core.routes, hosts -> {}, core.clock);
    }

    /** A signed-in user of {@code platform} who owns one project. */
    private static RouterClient signedIn(Platform platform) {
        RouterClient api = new RouterClient(platform.router());
        api.token = api.ok("POST", "/api/v1/auth/register", "{\"email\":\"ada@example.com\",\"password\":\"correct horse\"}")
                .get("token").asText();
        return api;
    }

    private static String project(RouterClient api) {
        return api.ok("POST", "/api/v1/projects", "{\"name\":\"Shop\"}").get("id").asText();
    }

    @Test
    void a_platform_built_without_domains_does_not_serve_their_routes_and_has_no_domain_jobs() {
        Platform platform = assembly().build();
        RouterClient api = signedIn(platform);
        String project = project(api);

        RouterClient.Reply list = api.call("GET", "/api/v1/projects/" + project + "/domains", null);
        assertThat(list.status()).as(list.toString()).isEqualTo(404);
        assertThat(list.errorCode()).isEqualTo("not_found");
        assertThat(api.call("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"www.example.net\"}").status())
                .isEqualTo(404);
        assertThat(platform.domainJobs()).isEmpty();
    }

    @Test
    void a_platform_built_with_domains_serves_them_and_its_jobs_work_with_the_ports_it_was_built_with() {
        Platform platform = assembly().domains(core.domainPorts).build();
        RouterClient api = signedIn(platform);
        String project = project(api);

        JsonNode domain = api.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"www.example.net\"}");
        String id = domain.get("id").asText();
        core.dns.set("CNAME", "www.example.net", "edge.miaobu.test");
        core.dns.set("TXT", "_miaobu.www.example.net", domain.get("dnsRecords").get(1).get("value").asText());
        assertThat(api.ok("POST", "/api/v1/domains/" + id + "/verify", null).get("status").asText()).isEqualTo("VERIFIED");
        assertThat(core.wakes).as("a verified domain wakes the scheduler through the ports given at build").hasValue(1);

        assertThat(platform.domainJobs().orElseThrow().run().failed()).isEqualTo(1);
        assertThat(api.ok("GET", "/api/v1/domains/" + id, null).get("message").asText())
                .as("the issuer given at build (none here) is the one asked").contains("MIAOBU_ACME_DIRECTORY");
    }

    @Test
    void detection_is_served_only_by_a_platform_built_with_a_source_fetcher() {
        Platform without = assembly().build();
        Platform with = assembly().detection((url, credentials, branch, commit, into, output) -> {
            throw new AssertionError("nothing here clones");
        }).build();

        assertThat(signedIn(without).call("POST", "/api/v1/detect", "{\"gitUrl\":\"https://example.com/a.git\"}").status())
                .isEqualTo(404);
        assertThat(without.detectionRouter().routes()).isEmpty();
        assertThat(with.detectionRouter().routes()).isNotEmpty().allMatch(route -> route.contains("/api/v1/detect")
                || route.contains("/api/v1/import/check"));
        assertThat(with.router().routes()).containsAll(with.detectionRouter().routes());
    }

    @Test
    void deleting_a_project_takes_its_domains_and_its_deployments_functions_with_it_once_each() {
        List<String> deletedFunctions = new CopyOnWriteArrayList<>();
        FunctionHost host = new FunctionHost() {
            @Override
            public Map<String, String> deploy(Project project, Deployment deployment, Path bundleDir, FunctionManifest manifest,
                                              Map<String, String> env) {
                throw new UnsupportedOperationException("nothing is deployed here");
            }

            @Override
            public void delete(Deployment deployment) {
                deletedFunctions.add(deployment.id());
            }
        };
        Platform platform = assembly().domains(core.domainPorts).functions(host).build();
        RouterClient api = signedIn(platform);
        String project = project(api);
        api.ok("POST", "/api/v1/projects/" + project + "/domains", "{\"hostname\":\"www.example.net\"}");
        Deployment withFunctions = StoreFixtures.deployment(project, core.clock.instant());
        core.deploymentStore.insert(withFunctions);
        core.deploymentStore.recordFunctions(withFunctions.id(), FunctionManifest.EMPTY,
                Map.of(FunctionManifest.NODE, "mem:" + withFunctions.id() + "/node"));
        core.deploymentStore.insert(StoreFixtures.deployment(project, core.clock.instant())); // a static site: no functions

        assertThat(api.call("DELETE", "/api/v1/projects/" + project, null).status()).isEqualTo(204);

        assertThat(deletedFunctions).containsExactly(withFunctions.id());
        assertThat(core.domainStore.listByProject(project)).isEmpty();
    }
}
