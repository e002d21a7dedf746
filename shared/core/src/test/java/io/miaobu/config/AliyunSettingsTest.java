package io.miaobu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AliyunSettingsTest {
    private static AliyunSettings read(Map<String, String> env) {
        return MiaobuConfig.fromEnv(env).aliyun();
    }

    @Test
    void without_a_bucket_or_queue_nothing_aliyun_is_used() {
        AliyunSettings s = read(Map.of());
        assertThat(s.ossEndpointOrDefault()).isEmpty();
        assertThat(s.mnsEndpointOrDefault()).isEmpty();
    }

    @Test
    void endpoints_default_from_region_and_account() {
        AliyunSettings s = read(Map.of("MIAOBU_ALIYUN_REGION", "cn-shanghai", "MIAOBU_ALIYUN_ACCOUNT_ID", "1649015465570000",
                "MIAOBU_OSS_BUCKET", "my-sites", "MIAOBU_MNS_QUEUE", "miaobu-builds"));
        assertThat(s.ossEndpointOrDefault()).contains("https://oss-cn-shanghai.aliyuncs.com");
        assertThat(s.mnsEndpointOrDefault()).contains("https://1649015465570000.mns.cn-shanghai.aliyuncs.com");
        assertThat(s.ossBucket()).contains("my-sites");
        assertThat(s.mnsQueue()).contains("miaobu-builds");
    }

    @Test
    void explicit_endpoints_win_without_a_trailing_slash() {
        AliyunSettings s = read(Map.of("MIAOBU_ALIYUN_REGION", "cn-hangzhou", "MIAOBU_OSS_BUCKET", "my-sites",
                "MIAOBU_OSS_ENDPOINT", "https://oss-cn-hangzhou-internal.aliyuncs.com/", "MIAOBU_MNS_QUEUE", "q",
                "MIAOBU_MNS_ENDPOINT", "http://127.0.0.1:9100"));
        assertThat(s.ossEndpointOrDefault()).contains("https://oss-cn-hangzhou-internal.aliyuncs.com");
        assertThat(s.mnsEndpointOrDefault()).contains("http://127.0.0.1:9100");
        assertThat(s.accountId()).isEqualTo(Optional.empty());
    }

    @Test
    void incomplete_or_malformed_settings_fail_at_start_naming_the_variable_to_fix() {
        assertThatThrownBy(() -> read(Map.of("MIAOBU_OSS_BUCKET", "my-sites")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_ALIYUN_REGION");
        // OSS V4 signatures name the region, so an explicit endpoint does not make it optional.
        assertThatThrownBy(() -> read(Map.of("MIAOBU_OSS_BUCKET", "my-sites", "MIAOBU_OSS_ENDPOINT", "https://oss.example")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_ALIYUN_REGION");
        assertThatThrownBy(() -> read(Map.of("MIAOBU_ALIYUN_REGION", "cn-hangzhou", "MIAOBU_MNS_QUEUE", "q")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_ALIYUN_ACCOUNT_ID");
        assertThatThrownBy(() -> read(Map.of("MIAOBU_MNS_QUEUE", "q", "MIAOBU_MNS_ENDPOINT", "https://x.example")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_ALIYUN_REGION");
        assertThatThrownBy(() -> read(Map.of("MIAOBU_ALIYUN_REGION", "cn-hangzhou", "MIAOBU_OSS_BUCKET", "My_Bucket")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_OSS_BUCKET");
        assertThatThrownBy(() -> read(Map.of("MIAOBU_ALIYUN_REGION", "Hangzhou")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_ALIYUN_REGION");
        assertThatThrownBy(() -> read(Map.of("MIAOBU_ALIYUN_REGION", "cn-hangzhou", "MIAOBU_OSS_BUCKET", "b-1",
                "MIAOBU_OSS_ENDPOINT", "oss-cn-hangzhou.aliyuncs.com"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("MIAOBU_OSS_ENDPOINT");
    }
}
