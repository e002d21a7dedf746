package io.miaobu.serverless;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** deploy/ros-resources.json, the ROS stack {@code s deploy} creates for storage (ROS ALIYUN::OSS::Bucket). */
class RosResourcesTest {
    @Test
    void the_bucket_removes_the_parts_of_multipart_uploads_left_behind() throws IOException {
        JsonNode template = new ObjectMapper().readTree(ServerlessYaml.repositoryRoot().resolve("deploy/ros-resources.json").toFile());
        JsonNode bucket = template.path("Resources").path("Bucket");
        assertThat(bucket.path("Type").asText()).isEqualTo("ALIYUN::OSS::Bucket");
        // OssArtifactStore aborts a failed upload itself, but a crashed builder cannot: a lifecycle rule over the
        // whole bucket (Prefix "", where sites/ and cache/ live) aborts what is older than a few days.
        JsonNode rules = bucket.path("Properties").path("LifecycleConfiguration").path("Rule");
        assertThat(rules.isArray()).as("LifecycleConfiguration.Rule is a list").isTrue();
        assertThat(rules).anySatisfy(rule -> {
            assertThat(rule.path("Status").asText()).isEqualTo("Enabled");
            assertThat(rule.has("Prefix")).as("Prefix is required").isTrue();
            assertThat(rule.path("Prefix").asText()).isEmpty();
            assertThat(rule.path("AbortMultipartUpload").path("Days").asInt()).isBetween(1, 7);
            assertThat(rule.has("Expiration")).as("the rule must not expire deployments' files").isFalse();
        });
    }
}
