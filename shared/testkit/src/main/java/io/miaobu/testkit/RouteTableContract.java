package io.miaobu.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteTable;
import io.miaobu.edge.rules.HeaderRule;
import io.miaobu.edge.rules.RedirectRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every RouteTable does (DESIGN §5): the route files of local mode and ESA's edge KV against a
 * server speaking ESA's protocol. Each test starts with an empty table.
 */
public abstract class RouteTableContract {
    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    /** The table under test, empty. */
    protected abstract RouteTable table();

    protected static RouteEntry entry(String deploymentId) {
        RouteConfig config = new RouteConfig(true, false, true, "404.html",
                List.of(new RedirectRule("/old/:id", List.of(List.of("id", ":id")), "/new/:id", 301, true)),
                List.of(new HeaderRule("/*", Map.of("x-frame-options", "DENY"), List.of("x-powered-by"))));
        return new RouteEntry(deploymentId, "sites/p1/" + deploymentId + "/", config, T);
    }

    @Test
    void a_put_entry_is_read_back_unchanged_rules_included() {
        table().put("shop.example.com", entry("d1"));
        assertThat(table().get("shop.example.com")).contains(entry("d1"));
        RouteEntry plain = new RouteEntry("d2", "sites/p1/d2/", RouteConfig.DEFAULTS, T);
        table().put("blog.example.com", plain);
        assertThat(table().get("blog.example.com")).contains(plain);
    }

    @Test
    void an_unknown_host_has_no_entry() {
        assertThat(table().get("nobody.example.com")).isEmpty();
    }

    @Test
    void hosts_that_differ_only_by_case_port_or_trailing_dot_share_one_entry() {
        table().put("Shop.Example.COM:8080", entry("d1"));
        assertThat(table().get("shop.example.com")).map(RouteEntry::deploymentId).contains("d1");
        assertThat(table().get("shop.example.com.")).map(RouteEntry::deploymentId).contains("d1");
        table().delete("SHOP.example.com");
        assertThat(table().get("shop.example.com")).isEmpty();
    }

    @Test
    void putting_a_host_again_switches_it_to_the_new_deployment() {
        table().put("shop.example.com", entry("d1"));
        table().put("shop.example.com", entry("d2"));
        assertThat(table().get("shop.example.com")).contains(entry("d2"));
    }

    @Test
    void deleting_a_host_removes_only_that_host_and_deleting_it_again_is_harmless() {
        table().put("shop.example.com", entry("d1"));
        table().put("d1--shop.example.com", entry("d1"));
        table().delete("shop.example.com");
        table().delete("shop.example.com");
        assertThat(table().get("shop.example.com")).isEmpty();
        assertThat(table().get("d1--shop.example.com")).contains(entry("d1"));
    }

    @Test
    void a_wildcard_an_underscore_and_a_branch_host_are_kept_apart() {
        table().put("*.shop.example.com", entry("dw"));
        table().put("my_site.example.com", entry("du"));
        table().put("feature-x--my-site.example.com", entry("db"));
        assertThat(table().get("*.shop.example.com")).map(RouteEntry::deploymentId).contains("dw");
        assertThat(table().get("my_site.example.com")).map(RouteEntry::deploymentId).contains("du");
        assertThat(table().get("feature-x--my-site.example.com")).map(RouteEntry::deploymentId).contains("db");
        assertThat(table().get("a.shop.example.com")).as("the table stores names; the edge resolves wildcards").isEmpty();
    }

    @Test
    void a_deployments_file_list_is_written_and_removed_without_touching_any_host() {
        table().put("shop.example.com", entry("d1"));
        table().putManifest("d1", List.of("index.html", "assets/app-3f9a1c.js"));
        table().putManifest("d1", List.of("index.html", "assets/app-3f9a1c.js")); // again: harmless
        table().deleteManifest("d1");
        table().deleteManifest("d1"); // nothing there: fine
        assertThat(table().get("shop.example.com")).contains(entry("d1"));
    }
}
