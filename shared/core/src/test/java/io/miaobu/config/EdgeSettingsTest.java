package io.miaobu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeSettingsTest {
    @Test
    void without_esa_settings_the_local_edge_adapters_stay() {
        EdgeSettings esa = MiaobuConfig.fromEnv(Map.of()).edge();
        assertThat(esa.edgeKv()).isFalse();
        assertThat(esa.site()).isFalse();
        assertThat(esa.esaManagedCertificates()).isFalse();
        assertThat(esa.cdnPurge()).isFalse();
        assertThat(esa.endpoint()).isEqualTo("esa.cn-hangzhou.aliyuncs.com");
        assertThat(esa.routine()).isEqualTo("miaobu-edge");
        assertThat(esa.casRegion()).isEqualTo("cn-hangzhou");
    }

    @Test
    void production_settings_are_read_and_normalised() {
        EdgeSettings esa = MiaobuConfig.fromEnv(Map.of(
                "MIAOBU_ESA_KV_NAMESPACE", "miaobu_routes",
                "MIAOBU_ESA_SITE_ID", "709662109",
                "MIAOBU_EDGE_TARGET", "Edge.Miaobu.app.",
                "MIAOBU_CERTIFICATES", "ESA-Managed",
                "MIAOBU_CDN_PURGE", "on",
                "MIAOBU_CAS_ENDPOINT", "cas.ap-southeast-1.aliyuncs.com")).edge();
        assertThat(esa.edgeKv()).isTrue();
        assertThat(esa.siteId()).contains("709662109");
        assertThat(esa.edgeTarget()).contains("edge.miaobu.app");
        assertThat(esa.esaManagedCertificates()).isTrue();
        assertThat(esa.cdnPurge()).isTrue();
        assertThat(esa.casRegion()).isEqualTo("ap-southeast-1");
    }

    @Test
    void mistakes_are_refused_at_start_with_the_variable_and_what_to_set() {
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_ESA_KV_NAMESPACE", "my routes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_ESA_KV_NAMESPACE");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_ESA_SITE_ID", "example.com")))
                .hasMessageContaining("numeric site id");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_CERTIFICATES", "esa-managed")))
                .hasMessageContaining("needs MIAOBU_ESA_SITE_ID");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_CERTIFICATES", "letsencrypt")))
                .hasMessageContaining("acme or esa-managed");
        assertThatThrownBy(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_CDN_PURGE", "yes")))
                .hasMessageContaining("MIAOBU_CDN_PURGE must be on or off");
    }
}
