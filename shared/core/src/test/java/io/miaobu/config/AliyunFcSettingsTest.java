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

    @Test
    void functions_get_ten_seconds_and_512_mb_and_the_regions_official_layers_unless_told_otherwise() {
        MiaobuConfig defaults = MiaobuConfig.fromEnv(Map.of("MIAOBU_ALIYUN_REGION", "cn-shanghai"));
        FcSettings fc = defaults.aliyun().fc();
        assertThat(defaults.functions().timeout()).hasSeconds(10);
        assertThat(defaults.functions().memoryMb()).isEqualTo(512);
        assertThat(fc.nodeLayer()).contains("acs:fc:cn-shanghai:official:layers/Nodejs20/versions/1");
        assertThat(fc.pythonLayer()).contains("acs:fc:cn-shanghai:official:layers/Python310/versions/1");
        MiaobuConfig configured = MiaobuConfig.fromEnv(Map.of("MIAOBU_FUNCTION_TIMEOUT_SECONDS", "30", "MIAOBU_FUNCTION_MEMORY_MB", "1024",
                "MIAOBU_FC_NODE_LAYER", "acs:fc:cn-shanghai:1234567:layers/node22/versions/3"));
        FcSettings set = configured.aliyun().fc();
        assertThat(configured.functions().timeout()).hasSeconds(30);
        assertThat(configured.functions().memoryMb()).isEqualTo(1024);
        assertThat(set.nodeLayer()).contains("acs:fc:cn-shanghai:1234567:layers/node22/versions/3");
    }

    @Test
    void limits_function_compute_refuses_are_refused_at_start_naming_the_variable() {
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_FUNCTION_MEMORY_MB", "500")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_FUNCTION_MEMORY_MB").hasMessageContaining("multiple of 64");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_FUNCTION_TIMEOUT_SECONDS", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_FUNCTION_TIMEOUT_SECONDS");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_FC_PYTHON_LAYER", "python310")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_FC_PYTHON_LAYER");
    }

    @Test
    void python_dependencies_are_built_for_the_python_of_the_fc_layer_named_or_the_one_the_operator_states() {
        assertThat(MiaobuConfig.fromEnv(Map.of("MIAOBU_ALIYUN_REGION", "cn-shanghai")).aliyun().fc().pythonVersion()).contains("3.10");
        assertThat(MiaobuConfig.fromEnv(Map.of("MIAOBU_FC_PYTHON_LAYER", "acs:fc:cn-shanghai:official:layers/Python312/versions/2"))
                .aliyun().fc().pythonVersion()).contains("3.12");
        assertThat(MiaobuConfig.fromEnv(Map.of("MIAOBU_FC_PYTHON_LAYER", "acs:fc:cn-shanghai:1234567:layers/my-runtime/versions/1",
                "MIAOBU_FC_PYTHON_VERSION", "3.11")).aliyun().fc().pythonVersion()).contains("3.11");
        assertThat(MiaobuConfig.fromEnv(Map.of()).aliyun().fc().pythonVersion()).isEmpty();
    }

    @Test
    void a_python_layer_whose_version_is_unknown_or_contradicted_is_refused_at_start() {
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_FC_PYTHON_LAYER", "acs:fc:cn-shanghai:1234567:layers/my-runtime/versions/1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("set MIAOBU_FC_PYTHON_VERSION");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_ALIYUN_REGION", "cn-shanghai", "MIAOBU_FC_PYTHON_VERSION", "3.12")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is Python 3.10");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_ALIYUN_REGION", "cn-shanghai", "MIAOBU_FC_PYTHON_VERSION", "3.10.4")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("major.minor");
    }

    @Test
    void deployments_are_kept_forever_unless_the_operator_sets_a_retention() {
        assertThat(MiaobuConfig.fromEnv(Map.of()).retention().keepsForever()).isTrue();
        RetentionSettings set = MiaobuConfig.fromEnv(Map.of("MIAOBU_RETENTION_DAYS", "90", "MIAOBU_RETENTION_KEEP", "5")).retention();
        assertThat(set.days()).isEqualTo(90);
        assertThat(set.keep()).isEqualTo(5);
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_RETENTION_KEEP", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_RETENTION_KEEP");
    }
}
