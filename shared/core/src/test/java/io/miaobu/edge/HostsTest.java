package io.miaobu.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostsTest {
    private final Hosts local = new Hosts("localhost", "http", Optional.of(8080));
    private final Hosts cloud = new Hosts("miaobu.app", "https", Optional.empty());

    @Test
    void the_production_host_is_the_slug_under_the_base_domain() {
        assertThat(local.production("my-site")).isEqualTo("my-site.localhost");
        assertThat(cloud.production("my-site")).isEqualTo("my-site.miaobu.app");
    }

    @Test
    void a_deployment_host_puts_the_deployment_id_before_the_slug_with_a_double_dash() {
        assertThat(local.deployment("d123", "my-site")).isEqualTo("d123--my-site.localhost");
        assertThat(cloud.deployment("dabc", "blog")).isEqualTo("dabc--blog.miaobu.app");
    }

    @Test
    void a_url_carries_a_non_default_port() {
        assertThat(local.url("my-site.localhost")).isEqualTo("http://my-site.localhost:8080");
    }

    @Test
    void a_url_omits_the_port_when_absent_or_the_default_for_its_scheme() {
        assertThat(cloud.url("blog.miaobu.app")).isEqualTo("https://blog.miaobu.app");
        assertThat(new Hosts("localhost", "http", Optional.of(80)).url("a.localhost")).isEqualTo("http://a.localhost");
        assertThat(new Hosts("miaobu.app", "https", Optional.of(443)).url("a.miaobu.app")).isEqualTo("https://a.miaobu.app");
        assertThat(new Hosts("miaobu.app", "https", Optional.of(80)).url("a.miaobu.app")).isEqualTo("https://a.miaobu.app:80");
        assertThat(new Hosts("localhost", "http", Optional.of(443)).url("a.localhost")).isEqualTo("http://a.localhost:443");
    }

    @Test
    void only_subdomains_of_the_base_domain_are_site_hosts() {
        assertThat(local.isSiteHost("my-site.localhost")).isTrue();
        assertThat(local.isSiteHost("d1--my-site.localhost")).isTrue();
        assertThat(local.isSiteHost("localhost")).isFalse();
        assertThat(cloud.isSiteHost("blog.miaobu.app")).isTrue();
        assertThat(cloud.isSiteHost("evilmiaobu.app")).isFalse();
        assertThat(cloud.isSiteHost("miaobu.app")).isFalse();
        assertThat(cloud.isSiteHost("blog.miaobu.app.evil.com")).isFalse();
    }

    @Test
    void a_branch_host_puts_the_branch_as_a_dns_label_before_the_slug() {
        assertThat(cloud.branch("feature/Login", "blog")).isEqualTo("feature-login--blog.miaobu.app");
        assertThat(local.branch("dev", "my-site")).isEqualTo("dev--my-site.localhost");
        assertThat(local.branch("fix__double--dash", "s")).isEqualTo("fix-double-dash--s.localhost");
    }

    @Test
    void a_long_branch_or_one_that_reads_as_a_deployment_id_keeps_a_distinct_hash() {
        String slug = "a".repeat(40);
        String host = cloud.branch("renovate/very-long-dependency-update-branch-name", slug);
        String label = host.substring(0, host.indexOf('.'));
        assertThat(label).hasSizeLessThanOrEqualTo(63).endsWith("--" + slug).matches("[a-z0-9-]+");
        assertThat(cloud.branch("renovate/very-long-dependency-update-branch-name-2", slug)).isNotEqualTo(host);
        assertThat(Hosts.branchLabel("dabcdefghjkmnpqr", 40)).isNotEqualTo("dabcdefghjkmnpqr").startsWith("dabcdefghjkmnpqr-");
        assertThat(Hosts.branchLabel("///", 40)).matches("[0-9a-f]{6}");
    }
}
