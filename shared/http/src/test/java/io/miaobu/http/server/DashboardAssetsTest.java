package io.miaobu.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.http.Request;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import io.miaobu.http.SimpleRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The platform host serves the dashboard for pages and assets, and the API for the platform's own paths. */
class DashboardAssetsTest {
    private final Router api = new Router().get("/api/v1/health", req -> Response.ok(Map.of("status", "ok")));
    private final DashboardAssets dashboard = new DashboardAssets(api, "no dashboard",
            DashboardAssetsTest.class.getClassLoader(), "dashboard-fixture/");

    private Response get(String target) throws Exception {
        return dashboard.handle(request("GET", target));
    }

    private static Request request(String method, String target) {
        return new SimpleRequest(method, target, Map.of("host", List.of("localhost:8080")), new byte[0]);
    }

    private static String body(Response response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void root_and_deep_links_without_an_extension_get_the_dashboard_page_which_is_never_cached() throws Exception {
        for (String path : List.of("/", "/new", "/projects/p_123/settings", "/deployments/d_1?tab=log")) {
            Response page = get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(body(page)).as(path).contains("<div id=\"root\">");
            assertThat(page.headers()).containsEntry("content-type", "text/html; charset=utf-8")
                    .containsEntry("cache-control", "no-cache").containsEntry("x-frame-options", "DENY");
            assertThat(page.headers().get("content-security-policy")).contains("script-src 'self';", "frame-ancestors 'none'");
        }
    }

    @Test
    void hashed_assets_are_served_with_their_type_and_cached_for_a_year() throws Exception {
        Response js = get("/assets/index-abc123.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(body(js)).contains("console.log");
        assertThat(js.headers()).containsEntry("content-type", "text/javascript; charset=utf-8")
                .containsEntry("cache-control", "public, max-age=31536000, immutable");
        assertThat(get("/assets/index-abc123.css").headers()).containsEntry("content-type", "text/css; charset=utf-8");
        assertThat(get("/favicon.svg").headers()).containsEntry("content-type", "image/svg+xml")
                .containsEntry("cache-control", "no-cache");
    }

    @Test
    void api_oauth_webhook_and_hook_paths_reach_the_router_even_when_unknown() throws Exception {
        assertThat(body(get("/api/v1/health"))).contains("\"ok\"");
        for (String path : List.of("/api/v1/nothing", "/api", "/oauth/github/start", "/webhooks/github", "/hooks/deploy/x")) {
            Response answer = get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.headers().get("content-type")).as(path).startsWith("application/json");
        }
        Response post = dashboard.handle(request("POST", "/projects"));
        assertThat(post.headers().get("content-type")).startsWith("application/json");
    }

    @Test
    void missing_assets_are_404_and_nothing_outside_the_dashboard_can_be_read() throws Exception {
        assertThat(get("/assets/gone-123.js").status()).isEqualTo(404);
        for (String path : List.of("/../simplelogger.properties", "/assets/../../simplelogger.properties",
                "/%2e%2e/simplelogger.properties", "/assets//index-abc123.js", "/./index.html")) {
            Response answer = get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(body(answer)).as(path).doesNotContain("org.slf4j");
        }
    }

    @Test
    void a_jar_built_without_the_dashboard_says_so_at_the_root_and_still_serves_the_api() throws Exception {
        DashboardAssets none = new DashboardAssets(api, "<h1>no dashboard</h1>", getClass().getClassLoader(), "no-such-folder/");
        Response root = none.handle(request("GET", "/"));
        assertThat(root.status()).isEqualTo(200);
        assertThat(body(root)).contains("no dashboard");
        assertThat(none.handle(request("GET", "/api/v1/health")).status()).isEqualTo(200);
    }
}
