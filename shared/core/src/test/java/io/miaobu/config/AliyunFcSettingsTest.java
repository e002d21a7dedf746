package io.miaobu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings `./miaobu cloud check` reads to find the functions: their prefix and FC 3.0's endpoint. */
class AliyunFcSettingsTest {
    @Test
    void the_prefix_defaults_to_serverless_yamls_and_the_endpoint_to_the_accounts_fc_domain() {
        AliyunSettings s = MiaobuConfig.fromEnv(Map.of("MIAOBU_ALIYUN_REGION", "cn-shanghai", "MIAOBU_ALIYUN_ACCOUNT_ID", "1649015465570000")).aliyun();
        assertThat(s.functionPrefix()).isEqualTo("miaobu");
        assertThat(s.fcEndpointOrDefault()).contains("https://1649015465570000.cn-shanghai.fc.aliyuncs.com");
        assertThat(MiaobuConfig.fromEnv(Map.of()).aliyun().fcEndpointOrDefault()).isEmpty();
    }

    @Test
    void explicit_values_win_and_a_prefix_must_start_a_function_name() {
        AliyunSettings s = MiaobuConfig.fromEnv(Map.of("MIAOBU_FUNCTION_PREFIX", "staging-miaobu",
                "MIAOBU_FC_ENDPOINT", "http://127.0.0.1:9200/")).aliyun();
        assertThat(s.functionPrefix()).isEqualTo("staging-miaobu");
        assertThat(s.fcEndpointOrDefault()).contains("http://127.0.0.1:9200");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_FUNCTION_PREFIX", "1-bad/name")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_FUNCTION_PREFIX");
    }
}
