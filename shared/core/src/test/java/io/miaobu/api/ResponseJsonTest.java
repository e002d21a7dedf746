package io.miaobu.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.build.detect.DirectorySourceTree;
import io.miaobu.build.detect.FrameworkDetector;
import io.miaobu.build.detect.SourceTree;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.json.Json;
import io.miaobu.projects.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON the response records make, as clients read it: every field in the order the API always sent it,
 * nulls written rather than left out, and only the fields the document lets be absent left out.
 */
class ResponseJsonTest {
    @TempDir
    Path tmp;

    @Test
    void a_deployment_sends_every_field_in_its_order_with_nulls_written() {
        Project project = Samples.project(null);

        String json = Json.writeString(DeploymentView.of(project, Samples.failedPush("dpl_3"), Samples.HOSTS));

        assertThat(json).isEqualTo("{\"id\":\"dpl_3\",\"projectId\":\"prj_1\",\"status\":\"FAILED\",\"target\":\"preview\","
                + "\"branch\":\"feature/x\",\"commit\":\"abc1234\",\"commitMessage\":null,\"author\":null,\"trigger\":\"push\","
                + "\"triggeredBy\":null,\"hookName\":null,\"url\":null,\"branchUrl\":\"https://feature-x--my-site.miaobu.app\","
                + "\"createdAt\":\"2026-12-03T09:30:00Z\",\"startedAt\":null,\"readyAt\":null,"
                + "\"finishedAt\":\"2026-12-03T09:30:05Z\",\"error\":\"Output directory `dist` not found\",\"live\":false,"
                + "\"stats\":null,\"functions\":0}");
    }

    @Test
    void a_live_deployment_names_who_started_it_and_counts_its_functions_but_not_where_they_run() {
        Project project = Samples.project("dpl_1");

        JsonNode json = tree(DeploymentView.of(project, Samples.deployment("dpl_1", DeploymentStatus.READY, "production", "main"),
                Samples.HOSTS));

        assertThat(json.toString()).doesNotContain("mem:secret-backend").doesNotContain("usr_1");
        assertThat(json.path("live").asBoolean()).isTrue();
        assertThat(json.path("functions").asInt()).isEqualTo(2);
        assertThat(json.path("triggeredBy").toString()).isEqualTo("{\"login\":\"octocat\",\"avatarUrl\":\"https://avatars.example/octocat\"}");
        assertThat(json.path("author").toString()).isEqualTo("{\"name\":\"Octo Cat\",\"login\":\"octocat\",\"avatarUrl\":null}");
        assertThat(json.path("stats").toString()).isEqualTo("{\"files\":10,\"bytes\":2048,\"uploadedFiles\":3,\"uploadedBytes\":512}");
        assertThat(json.path("readyAt").asText()).isEqualTo("2026-12-03T09:30:30Z");
        assertThat(json.path("url").asText()).isEqualTo("https://dpl_1--my-site.miaobu.app");
    }

    @Test
    void a_listed_project_is_its_own_fields_then_its_latest_and_live_deployment() {
        Project project = Samples.project(null);
        ProjectListItemView item = new ProjectListItemView(ProjectView.of(project, Samples.HOSTS),
                DeploymentView.of(project, Samples.failedPush("dpl_3"), Samples.HOSTS), null);

        JsonNode json = tree(item);

        assertThat(names(json)).containsExactly("id", "name", "slug", "gitUrl", "githubRepository", "productionBranch",
                "rootDirectory", "installCommand", "buildCommand", "outputDirectory", "autoPublish", "liveDeploymentId",
                "url", "createdAt", "updatedAt", "latestDeployment", "liveDeployment");
        assertThat(json.path("url").asText()).isEqualTo("https://my-site.miaobu.app");
        assertThat(json.path("latestDeployment").path("id").asText()).isEqualTo("dpl_3");
        assertThat(json.get("liveDeployment").isNull()).isTrue();
        assertThat(json.get("rootDirectory").isNull()).isTrue();
    }

    @Test
    void an_error_names_fields_only_when_some_field_is_at_fault() {
        assertThat(Json.writeString(ErrorView.of("not_found", "Project not found.", Map.of())))
                .isEqualTo("{\"error\":{\"code\":\"not_found\",\"message\":\"Project not found.\"}}");
        assertThat(Json.writeString(ErrorView.of("invalid_name", "Name is required.", Map.of("name", "Name is required."))))
                .isEqualTo("{\"error\":{\"code\":\"invalid_name\",\"message\":\"Name is required.\","
                        + "\"fields\":{\"name\":\"Name is required.\"}}}");
    }

    @Test
    void a_static_site_detection_leaves_app_out_and_a_python_app_sends_it() throws IOException {
        JsonNode site = tree(DetectionView.of(FrameworkDetector.standard().detect(files(Map.of(
                "package.json", "{\"scripts\":{\"build\":\"vite build\"},\"devDependencies\":{\"vite\":\"^6.0.0\"}}")), null)));
        JsonNode app = tree(DetectionView.of(FrameworkDetector.standard().detect(files(Map.of(
                "requirements.txt", "fastapi\n", "main.py", "from fastapi import FastAPI\napp = FastAPI()\n")), null)));

        assertThat(site.path("framework").asText()).isEqualTo("vite");
        assertThat(site.has("app")).isFalse();
        assertThat(site.get("rootDirectory").isNull()).isTrue();
        assertThat(app.path("app").path("runtime").asText()).isEqualTo("python");
        assertThat(app.path("app").path("entry").asText()).isEqualTo("main:app");
    }

    @Test
    void a_domain_shows_its_dns_records_by_the_host_registrars_ask_for_and_no_address_for_a_wildcard() {
        JsonNode www = tree(DomainView.of(Samples.domain("www.example.com", null), false));
        JsonNode wildcard = tree(DomainView.of(Samples.domain("*.example.com", "ACTIVE"), true));

        assertThat(www.path("dnsRecords").get(0).toString()).isEqualTo("{\"type\":\"CNAME\",\"name\":\"www.example.com\","
                + "\"host\":\"www\",\"value\":\"edge.miaobu.app\",\"purpose\":\"routing\",\"status\":\"MISSING\",\"found\":null}");
        assertThat(www.get("certificate").isNull()).isTrue();
        assertThat(www.get("message").isNull()).isTrue();
        assertThat(www.path("url").asText()).isEqualTo("https://www.example.com");
        assertThat(wildcard.get("url").isNull()).isTrue();
        assertThat(wildcard.path("message").asText()).contains("ICP filing");
        assertThat(wildcard.path("certificate").toString()).isEqualTo("{\"status\":\"ACTIVE\",\"issuer\":\"Let's Encrypt\","
                + "\"notBefore\":null,\"notAfter\":null,\"renewAfter\":null}");
    }

    private static JsonNode tree(Object view) {
        try {
            return Json.MAPPER.readTree(Json.write(view));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> names(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private SourceTree files(Map<String, String> files) throws IOException {
        Path root = Files.createTempDirectory(tmp, "repo");
        for (var file : files.entrySet()) {
            Files.writeString(root.resolve(file.getKey()), file.getValue());
        }
        return new DirectorySourceTree(root);
    }
}
