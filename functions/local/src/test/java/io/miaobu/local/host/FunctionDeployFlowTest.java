package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.testkit.GitRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site with a Python function through the real flow in local mode: Git build, the Python bundler, the
 * release making it runnable on the local host, the real Python runtime behind the local edge; redeployed
 * with a change, rolled back (the old code answers again), with its target's variables at run time.
 */
class FunctionDeployFlowTest {
    private static final Duration BUILD = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private static String echo(String version) {
        return """
                import os, json

                def app(environ, start_response):
                    body = json.dumps({"version": "%s", "greeting": os.environ.get("GREETING"),
                                       "platform": sorted(k for k in os.environ if k.startswith("MIAOBU_")),
                                       "host": environ.get("HTTP_HOST"), "method": environ["REQUEST_METHOD"]}).encode()
                    start_response("200 OK", [("content-type", "application/json")])
                    return [body]
                """.formatted(version);
    }

    @Test
    void a_function_deploys_redeploys_and_rolls_back_with_its_targets_variables() throws Exception {
        try (LocalHost host = TestHosts.start(tmp, Map.of())) {
            ApiClient user = new ApiClient(host.port()).signUp("functions-flow@example.com");
            GitRepos repo = GitRepos.create(tmp.resolve("site"))
                    .write("public/index.html", "<h1>home</h1>")
                    .write("api/echo.py", echo("v1"));
            repo.commit("first version");
            JsonNode project = user.ok("POST", "/api/v1/projects", "{\"name\":\"Fn Site\",\"gitUrl\":\"" + repo.path()
                    + "\",\"outputDirectory\":\"public\"}");
            String projectId = project.get("id").asText();
            user.ok("PUT", "/api/v1/projects/" + projectId + "/env", "[{\"key\":\"GREETING\",\"value\":\"hello production\",\"target\":\"production\"},"
                    + "{\"key\":\"GREETING\",\"value\":\"hello preview\",\"target\":\"preview\"}]");
            String site = project.get("slug").asText() + ".localhost";

            String first = deploy(user, projectId, "{}");
            JsonNode answer = json(user.site(site, "/api/echo"));
            assertThat(answer.get("version").asText()).isEqualTo("v1");
            assertThat(answer.get("greeting").asText()).isEqualTo("hello production");
            assertThat(answer.get("platform")).isEmpty();
            assertThat(user.site(site, "/").body()).contains("<h1>home</h1>");
            assertThat(user.site(site, "/api/echo.py").body()).doesNotContain("start_response");

            repo.write("api/echo.py", echo("v2"));
            repo.commit("second version");
            String second = deploy(user, projectId, "{}");
            assertThat(json(user.site(site, "/api/echo")).get("version").asText()).isEqualTo("v2");
            assertThat(json(user.site(first + "--" + site, "/api/echo")).get("version").asText()).isEqualTo("v1");

            user.ok("POST", "/api/v1/deployments/" + first + "/promote", null);
            assertThat(json(user.site(site, "/api/echo")).get("version").asText()).isEqualTo("v1");
            assertThat(json(user.site(second + "--" + site, "/api/echo")).get("version").asText()).isEqualTo("v2");

            repo.branch("feature");
            String preview = deploy(user, projectId, "{\"branch\":\"feature\"}");
            assertThat(json(user.site(preview + "--" + site, "/api/echo")).get("greeting").asText()).isEqualTo("hello preview");
        }
    }

    private static String deploy(ApiClient user, String projectId, String body) throws Exception {
        String id = user.ok("POST", "/api/v1/projects/" + projectId + "/deployments", body).get("id").asText();
        JsonNode done = user.awaitFinal(id, BUILD);
        assertThat(done.get("status").asText()).as("%s: %s%n%s", id, done.get("error"), user.logText(id)).isEqualTo("READY");
        assertThat(done.get("functions").asInt()).isEqualTo(1);
        return id;
    }

    private static JsonNode json(ApiClient.Answer answer) throws Exception {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return io.miaobu.json.Json.MAPPER.readTree(answer.body());
    }
}
