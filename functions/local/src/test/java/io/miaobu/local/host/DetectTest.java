package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import io.miaobu.testkit.GitRepos;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the import screen and {@code ./miaobu detect} show before anything is built. */
class DetectTest {
    @TempDir
    static Path tmp;

    static LocalHost host;
    static ApiClient user;
    static GitRepos monorepo;

    @BeforeAll
    static void start() throws Exception {
        host = TestHosts.start(tmp, Map.of());
        user = new ApiClient(host.port()).signUp("detect@example.com");
        monorepo = GitRepos.create(tmp.resolve("monorepo"))
                .write("package.json", "{\"private\":true,\"packageManager\":\"pnpm@9.12.0\"}")
                .write("pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n")
                .write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n")
                .write("apps/web/package.json", "{\"scripts\":{\"build\":\"vite build\"},\"devDependencies\":{\"vite\":\"6\",\"react\":\"18\"}}")
                .write("apps/blog/package.json", "{\"scripts\":{\"build\":\"next build\"},\"dependencies\":{\"next\":\"14\"}}");
        monorepo.commit("apps");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    private static ApiClient.Answer detect(Map<String, Object> body) throws Exception {
        return user.call("POST", "/api/v1/detect", Json.writeString(body));
    }

    @Test
    void the_api_detects_a_git_repository_before_a_project_exists() throws Exception {
        ApiClient.Answer web = detect(Map.of("gitUrl", monorepo.path().toString(), "rootDirectory", "apps/web"));
        assertThat(web.status()).as(web.body()).isEqualTo(200);
        JsonNode d = web.json();
        assertThat(d.get("framework").asText()).isEqualTo("vite-react");
        assertThat(d.get("packageManager").asText()).isEqualTo("pnpm");
        assertThat(d.get("installCommand").asText()).isEqualTo("pnpm install --frozen-lockfile");
        assertThat(d.get("buildCommand").asText()).isEqualTo("pnpm run build");
        assertThat(d.get("outputDirectory").asText()).isEqualTo("dist");
        assertThat(d.get("supported").asBoolean()).isTrue();

        JsonNode blog = detect(Map.of("gitUrl", monorepo.path().toString(), "rootDirectory", "apps/blog")).json();
        assertThat(blog.get("supported").asBoolean()).isFalse();
        assertThat(blog.get("reason").asText()).contains("output: 'export'");
    }

    @Test
    void a_missing_repository_or_root_directory_is_422_and_strangers_are_401() throws Exception {
        ApiClient.Answer missing = detect(Map.of("gitUrl", tmp.resolve("nowhere").toString()));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().get("error").get("code").asText()).isEqualTo("repository_unreadable");

        ApiClient.Answer noRoot = detect(Map.of("gitUrl", monorepo.path().toString(), "rootDirectory", "apps/missing"));
        assertThat(noRoot.status()).isEqualTo(422);
        assertThat(noRoot.json().get("error").get("message").asText()).contains("apps/missing");

        ApiClient stranger = new ApiClient(host.port());
        assertThat(stranger.call("POST", "/api/v1/detect", "{\"gitUrl\":\"" + monorepo.path() + "\"}").status()).isEqualTo(401);
    }

    private static List<JsonNode> cli(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.miaobu.local.cli.Detect"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().filter(l -> l.startsWith("{")).toList();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<JsonNode> json = new java.util.ArrayList<>();
        for (String line : lines) {
            json.add(Json.MAPPER.readTree(line));
        }
        return json;
    }

    @Test
    void the_command_line_prints_one_json_line_per_directory() throws Exception {
        Path plain = tmp.resolve("plain");
        GitRepos.create(plain).write("index.html", "<h1>hi</h1>").commit("html");
        Path docs = tmp.resolve("docs");
        GitRepos.create(docs).write("mkdocs.yml", "site_name: Docs\n").commit("docs");

        List<JsonNode> lines = cli(plain.toString(), docs.toString());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("framework").asText()).isEqualTo("static");
        assertThat(lines.get(0).get("installCommand").isNull()).isTrue();
        assertThat(lines.get(0).get("buildCommand").isNull()).isTrue();
        assertThat(lines.get(0).get("outputDirectory").asText()).isEqualTo(".");
        assertThat(lines.get(1).get("framework").asText()).isEqualTo("mkdocs");
        assertThat(lines.get(1).get("buildCommand").asText()).isEqualTo("mkdocs build");

        JsonNode web = cli(monorepo.path().toString(), "--root-directory", "apps/web").get(0);
        assertThat(web.get("packageManager").asText()).isEqualTo("pnpm");
        assertThat(web.get("rootDirectory").asText()).isEqualTo("apps/web");
        assertThat(web.get("installDirectory").asText()).isEqualTo(".");
    }

    private static JsonNode importCheck(Map<String, Object> body) throws Exception {
        ApiClient.Answer answer = user.call("POST", "/api/v1/import/check", Json.writeString(body));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    @Test
    void the_import_check_names_the_field_of_each_problem_in_words_a_person_can_act_on() throws Exception {
        Path notGit = java.nio.file.Files.createDirectories(tmp.resolve("just-a-folder"));
        JsonNode noPath = importCheck(Map.of("name", "site", "gitUrl", tmp.resolve("nowhere").toString()));
        assertThat(noPath.get("errors").get("gitUrl").asText()).startsWith("Nothing exists at").doesNotContain("GitHub");
        JsonNode folder = importCheck(Map.of("gitUrl", notGit.toString()));
        assertThat(folder.get("errors").get("gitUrl").asText()).contains("not a Git repository");

        JsonNode branch = importCheck(Map.of("gitUrl", monorepo.path().toString(), "productionBranch", "release"));
        assertThat(branch.get("errors").has("gitUrl")).isFalse();
        assertThat(branch.get("errors").get("productionBranch").asText()).contains("`release`").contains("main");

        JsonNode env = importCheck(Map.of("gitUrl", monorepo.path().toString(), "productionBranch", "main",
                "rootDirectory", "apps/nope", "envKeys", List.of("API_URL", "1BAD", "PATH")));
        assertThat(env.get("errors").get("rootDirectory").asText()).isEqualTo("The repository has no folder `apps/nope`.");
        assertThat(env.get("errors").get("env").asText()).contains("`1BAD` cannot be a variable name").contains("`PATH` is set by Miaobu");

        JsonNode fine = importCheck(Map.of("gitUrl", monorepo.path().toString(), "productionBranch", "main", "name", "Fine"));
        assertThat(fine.get("errors").size()).isZero();
    }

    @Test
    void the_import_check_tells_the_address_a_taken_name_will_get() throws Exception {
        JsonNode first = importCheck(Map.of("name", "Taken Name"));
        assertThat(first.get("slug").asText()).isEqualTo("taken-name");
        assertThat(first.get("nameTaken").asBoolean()).isFalse();
        assertThat(user.call("POST", "/api/v1/projects", Json.writeString(Map.of("name", "Taken Name"))).status()).isEqualTo(201);
        JsonNode second = importCheck(Map.of("name", "taken name"));
        assertThat(second.get("slug").asText()).isEqualTo("taken-name-2");
        assertThat(second.get("url").asText()).contains("taken-name-2.");
        assertThat(second.get("nameTaken").asBoolean()).isTrue();
    }
}
