package io.miaobu.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.JobQueue;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.store.ArtifactStore;
import io.miaobu.testkit.FunctionProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionAdaptersTest {
    @TempDir
    Path data;

    @Test
    void a_port_the_function_does_not_carry_refuses_every_call_naming_the_function() {
        JobQueue queue = FunctionAdapters.notCarried(JobQueue.class, "oauth", "enqueue builds");
        ArtifactStore files = FunctionAdapters.notCarried(ArtifactStore.class, "oauth", "store site files");

        assertThatThrownBy(() -> queue.send(new BuildJob("d1"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the oauth function does not enqueue builds");
        assertThatThrownBy(() -> files.deletePrefix("sites/")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the oauth function does not store site files");
        assertThat(queue).isEqualTo(queue).hasToString("not carried: JobQueue");
    }

    @Test
    void a_function_that_does_not_serve_domains_is_built_without_their_routes_and_jobs() throws Exception {
        try (FunctionRuntime oauth = FunctionRuntime.fromEnvironment(Map.of(
                "MIAOBU_DATABASE_URL", "postgres://miaobu:unused@127.0.0.1:1/miaobu",
                "MIAOBU_SECRET_KEY", FunctionProcess.randomSecretKey(),
                "MIAOBU_DATA_DIR", data.toString()), FunctionAdapters.none("oauth"))) {
            assertThat(oauth.platform().domainJobs()).isEmpty();
            assertThat(oauth.platform().router().routes()).noneMatch(route -> route.contains("domains"))
                    .noneMatch(route -> route.contains("/api/v1/detect"));
        }
    }

    @Test
    void only_a_function_that_serves_domains_can_carry_a_certificate_issuer() {
        assertThatThrownBy(() -> FunctionAdapters.none("api").certificateIssuer(
                (settings, accountKeys, challenges, credentials, dns) -> CertificateIssuer.NOT_CONFIGURED))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the api function issues certificates for custom domains it does not serve");
    }
}
