package io.miaobu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiaobuConfigTest {
    @Test
    void an_empty_environment_gives_the_local_mode_defaults() {
        MiaobuConfig c = MiaobuConfig.fromEnv(Map.of());

        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.dataDir()).isEqualTo(Path.of(".miaobu").toAbsolutePath().normalize());
        assertThat(c.baseDomain()).isEqualTo("localhost");
        assertThat(c.databaseUrl()).isEmpty();
        assertThat(c.secretKey()).isEmpty();
        assertThat(c.siteScheme()).isEqualTo("http");
        assertThat(c.sitePort()).isEmpty();
        assertThat(c.allowLocalRepositories()).isTrue();
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(c.buildTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.buildDir()).isEqualTo(c.dataDir().resolve("builds"));
        assertThat(c.maxOutputBytes()).isEqualTo(1024L * 1024 * 1024);
    }

    @Test
    void a_public_base_domain_defaults_to_https_and_refuses_local_repositories() {
        MiaobuConfig c = MiaobuConfig.fromEnv(Map.of("MIAOBU_BASE_DOMAIN", "Sites.Example.COM"));
        assertThat(c.baseDomain()).isEqualTo("sites.example.com");
        assertThat(c.siteScheme()).isEqualTo("https");
        assertThat(c.allowLocalRepositories()).isFalse();
    }

    @Test
    void set_variables_override_the_defaults_and_blank_ones_do_not() {
        MiaobuConfig c = MiaobuConfig.fromEnv(Map.of(
                "MIAOBU_PORT", " 9090 ",
                "MIAOBU_DATA_DIR", "/var/lib/miaobu",
                "MIAOBU_DATABASE_URL", "postgres://db/miaobu",
                "MIAOBU_SECRET_KEY", "   ",
                "MIAOBU_SITE_PORT", "8443",
                "MIAOBU_ALLOW_LOCAL_REPOSITORIES", "no"));
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/miaobu"));
        assertThat(c.buildDir()).isEqualTo(Path.of("/var/lib/miaobu/builds"));
        assertThat(c.databaseUrl()).contains("postgres://db/miaobu");
        assertThat(c.secretKey()).isEmpty();
        assertThat(c.sitePort()).contains(8443);
        assertThat(c.allowLocalRepositories()).isFalse();
    }

    @Test
    void a_malformed_port_names_the_variable_and_the_value() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MiaobuConfig.fromEnv(Map.of("MIAOBU_PORT", "eighty")));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("MIAOBU_PORT").contains("eighty").contains("whole number");
    }

    @Test
    void a_port_out_of_range_names_the_variable_and_the_range() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MiaobuConfig.fromEnv(Map.of("MIAOBU_PORT", "70000")));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("MIAOBU_PORT").contains("65535").contains("70000");
    }

    @Test
    void a_malformed_boolean_names_the_variable() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MiaobuConfig.fromEnv(Map.of("MIAOBU_ALLOW_LOCAL_REPOSITORIES", "maybe")));
        assertThat(e.getMessage()).contains("MIAOBU_ALLOW_LOCAL_REPOSITORIES").contains("maybe");
    }

    @Test
    void dns_01_through_alidns_is_off_unless_the_operator_turns_it_on() {
        assertThat(MiaobuConfig.fromEnv(Map.of()).domains().alidns()).isFalse();
        DomainSettings on = MiaobuConfig.fromEnv(Map.of("MIAOBU_ALIDNS", "on")).domains();
        assertThat(on.alidns()).isTrue();
        assertThat(on.alidnsEndpoint()).isEqualTo("alidns.aliyuncs.com");
        assertThat(catchThrowableOfType(ConfigException.class, () -> MiaobuConfig.fromEnv(Map.of("MIAOBU_ALIDNS", "yes please"))))
                .hasMessageContaining("MIAOBU_ALIDNS").hasMessageContaining("on or off");
        assertThat(catchThrowableOfType(ConfigException.class, () -> MiaobuConfig.fromEnv(
                Map.of("MIAOBU_ALIDNS", "on", "MIAOBU_CERTIFICATES", "esa-managed"))))
                .hasMessageContaining("MIAOBU_CERTIFICATES=acme");
    }

    @Test
    void python_dependencies_come_from_pips_default_index_unless_the_operator_names_one() {
        assertThat(MiaobuConfig.fromEnv(Map.of()).pipIndexUrl()).isEmpty();
        assertThat(MiaobuConfig.fromEnv(Map.of("MIAOBU_PIP_INDEX_URL", "https://mirrors.aliyun.com/pypi/simple/")).pipIndexUrl())
                .contains("https://mirrors.aliyun.com/pypi/simple/");
        assertThat(catchThrowableOfType(ConfigException.class,
                () -> MiaobuConfig.fromEnv(Map.of("MIAOBU_PIP_INDEX_URL", "mirrors.aliyun.com/pypi"))))
                .hasMessageContaining("MIAOBU_PIP_INDEX_URL must be an http(s) URL").hasMessageContaining("mirrors.aliyun.com/pypi");
    }

    @Test
    void a_malformed_site_port_names_its_own_variable() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> MiaobuConfig.fromEnv(Map.of("MIAOBU_SITE_PORT", "0")));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("MIAOBU_SITE_PORT");
    }

    @Test
    void github_sign_in_is_off_without_an_oauth_app_and_points_at_github_com() {
        MiaobuConfig c = MiaobuConfig.fromEnv(Map.of());
        assertThat(c.github().signInEnabled()).isFalse();
        assertThat(c.github().webUrl()).isEqualTo("https://github.com");
        assertThat(c.github().apiUrl()).isEqualTo("https://api.github.com");
        assertThat(c.publicBaseUrl()).isEqualTo("http://localhost:8080");
    }

    @Test
    void github_enterprise_and_the_public_url_are_configurable_and_secrets_stay_out_of_to_string() {
        MiaobuConfig c = MiaobuConfig.fromEnv(Map.of(
                "MIAOBU_GITHUB_CLIENT_ID", "Iv1.abc", "MIAOBU_GITHUB_CLIENT_SECRET", "top-secret-client-secret",
                "MIAOBU_GITHUB_WEBHOOK_SECRET", "a-webhook-secret-of-32-characters",
                "MIAOBU_GITHUB_URL", "https://ghe.example.com/", "MIAOBU_GITHUB_API_URL", "https://ghe.example.com/api/v3",
                "MIAOBU_PUBLIC_URL", "https://miaobu.example.com/"));
        assertThat(c.github().signInEnabled()).isTrue();
        assertThat(c.github().webUrl()).isEqualTo("https://ghe.example.com");
        assertThat(c.github().apiUrl()).isEqualTo("https://ghe.example.com/api/v3");
        assertThat(c.publicBaseUrl()).isEqualTo("https://miaobu.example.com");
        assertThat(c.github().toString()).doesNotContain("top-secret-client-secret").doesNotContain("a-webhook-secret");
    }

    @Test
    void a_half_configured_oauth_app_or_a_bad_url_names_the_variable_to_fix() {
        assertThat(catchThrowableOfType(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_GITHUB_CLIENT_ID", "Iv1.abc")),
                ConfigException.class)).hasMessageContaining("MIAOBU_GITHUB_CLIENT_SECRET");
        assertThat(catchThrowableOfType(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_PUBLIC_URL", "miaobu.example.com")),
                ConfigException.class)).hasMessageContaining("MIAOBU_PUBLIC_URL");
        assertThat(catchThrowableOfType(() -> MiaobuConfig.fromEnv(Map.of("MIAOBU_GITHUB_WEBHOOK_SECRET", "short")),
                ConfigException.class)).hasMessageContaining("MIAOBU_GITHUB_WEBHOOK_SECRET");
    }
}
