package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import io.miaobu.testkit.GitRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build sandbox as a hostile repository meets it: its build dumps its environment and tries to
 * read the platform's secrets, and none of them reach its log or its deployment. Also: the
 * project's variables arrive for the right target only, masked in the log, and the operator's
 * registry mirror is applied unless the project names its own registry.
 */
class BuildSandboxTest {
    private static final Duration BUILD = Duration.ofSeconds(120);
    private static final String MIRROR = "http://127.0.0.1:9/npm-mirror/";
    /** What a build's environment may hold besides the project's variables (sh and node add the last ones). */
    private static final Set<String> ALLOWED = Set.of("PATH", "HOME", "CI", "LANG", "MIAOBU", "MIAOBU_DEPLOYMENT_ID",
            "MIAOBU_DEPLOYMENT_URL", "MIAOBU_GIT_BRANCH", "MIAOBU_GIT_COMMIT_SHA", "MIAOBU_TARGET", "npm_config_audit",
            "npm_config_fund", "npm_config_update_notifier", "COREPACK_ENABLE_DOWNLOAD_PROMPT", "PWD", "OLDPWD", "SHLVL", "_",
            // The system's public certificate bundle, named by the platform (never the operator's own setting).
            "NODE_EXTRA_CA_CERTS");

    @TempDir
    static Path tmp;

    static LocalHost host;
    static ApiClient user;
    static Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        dataDir = tmp.resolve("data");
        host = TestHosts.start(tmp, Map.of("MIAOBU_NPM_REGISTRY", MIRROR));
        user = new ApiClient(host.port()).signUp("sandbox@example.com");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    /** A build that reports everything it can see, to its log and into the page it publishes. */
    private static String snoopScript(List<String> files) {
        return """
                const fs = require('fs');
                const report = { uid: process.getuid(), env: process.env, reads: {} };
                for (const f of %s) {
                  try {
                    const st = fs.statSync(f);
                    report.reads[f] = st.isDirectory() ? 'DIR ' + fs.readdirSync(f).join(',') : 'READ ' + fs.readFileSync(f, 'utf8');
                  } catch (e) { report.reads[f] = 'DENIED ' + e.code; }
                }
                console.log('REPORT ' + JSON.stringify(report));
                fs.mkdirSync('dist', { recursive: true });
                fs.writeFileSync('dist/index.html', '<pre>' + JSON.stringify(report.reads) + '</pre>');
                """.formatted(Json.writeString(files));
    }

    private static JsonNode report(String log) throws Exception {
        String line = log.lines().filter(l -> l.startsWith("REPORT ")).findFirst()
                .orElseThrow(() -> new AssertionError("no REPORT line in the log:\n" + log));
        return Json.MAPPER.readTree(line.substring("REPORT ".length()));
    }

    @Test
    void a_hostile_build_sees_only_its_own_environment_and_cannot_read_platform_secrets() throws Exception {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"),
                "builds switch to an unprivileged user only when Miaobu runs as root (as in CI and the build image)");
        String secretKey = Files.readString(dataDir.resolve("secret.key")).strip();
        long hostPid = ProcessHandle.current().pid();
        List<String> targets = new ArrayList<>(List.of(dataDir.resolve("secret.key").toString(), "/proc/1/environ",
                "/proc/" + hostPid + "/environ", "/proc/" + hostPid + "/cmdline", dataDir.toString(),
                dataDir.resolve("artifacts").toString(), dataDir.resolve("routes").toString(), "/root"));
        GitRepos repo = GitRepos.create(tmp.resolve("hostile")).write("build.js", snoopScript(targets));
        repo.commit("snoop");
        String projectId = user.ok("POST", "/api/v1/projects", Json.writeString(Map.of("name", "Hostile",
                "gitUrl", repo.path().toString(), "buildCommand", "node build.js", "outputDirectory", "dist"))).get("id").asText();
        user.ok("PUT", "/api/v1/projects/" + projectId + "/env", Json.writeString(List.of(
                Map.of("key", "API_TOKEN", "value", "tok_very_secret_123", "target", "all"),
                Map.of("key", "PROD_ONLY", "value", "production-value", "target", "production"),
                Map.of("key", "PREVIEW_ONLY", "value", "preview-value", "target", "preview"))));

        String id = user.deployReady(projectId, "{}", BUILD);
        String log = user.logText(id);
        JsonNode report = report(log);

        assertThat(report.get("uid").asInt()).isNotZero();
        List<String> keys = new ArrayList<>();
        report.get("env").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsAll(List.of("PATH", "HOME", "CI", "MIAOBU_GIT_COMMIT_SHA", "API_TOKEN", "PROD_ONLY"))
                .doesNotContain("PREVIEW_ONLY");
        assertThat(keys.stream().filter(k -> !ALLOWED.contains(k) && !Set.of("API_TOKEN", "PROD_ONLY").contains(k)))
                .as("variables the platform leaked into the build").isEmpty();
        assertThat(report.get("env").path("NODE_EXTRA_CA_CERTS").asText("/etc/ssl/certs/ca-certificates.crt"))
                .isEqualTo("/etc/ssl/certs/ca-certificates.crt");
        assertThat(report.get("env").get("MIAOBU_TARGET").asText()).isEqualTo("production");
        assertThat(report.get("env").get("MIAOBU_DEPLOYMENT_URL").asText()).isEqualTo("http://" + id + "--hostile.localhost:" + host.port());
        for (String target : targets) {
            String read = report.get("reads").get(target).asText();
            if (target.equals("/proc/1/environ") && read.startsWith("READ")) {
                // In its own PID namespace the build's pid 1 is its own sandbox's, with the build's environment.
                assertThat(read).as(target).contains("MIAOBU_DEPLOYMENT_ID").doesNotContain("MIAOBU_DATABASE_URL");
            } else if (!target.endsWith("/cmdline")) { // world-readable on Linux; Miaobu never puts a secret on a command line
                // Denied, or (in its namespaces) an empty stand-in holding at most the way down to its own workspace.
                assertThat(read).as(target).matches("DENIED.*|DIR (builds)?");
            }
        }

        String page = user.site("hostile.localhost", "/").body();
        for (String published : List.of(log, page)) {
            assertThat(published).doesNotContain(secretKey).doesNotContain("MIAOBU_DATABASE_URL").doesNotContain("jdbc:postgresql");
        }
        assertThat(log).doesNotContain("tok_very_secret_123").contains("\"API_TOKEN\":\"***\"");
    }

    @Test
    void a_preview_build_gets_preview_variables_and_not_production_ones() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("targets"))
                .write("build.js", "require('fs').mkdirSync('dist');require('fs').writeFileSync('dist/index.html','ok');"
                        + "console.log('PROD=' + process.env.PROD_ONLY + ' PREVIEW=' + process.env.PREVIEW_ONLY);");
        repo.commit("main");
        repo.branch("feature");
        repo.write("index.html", "feature").commit("feature");
        String projectId = user.ok("POST", "/api/v1/projects", Json.writeString(Map.of("name", "Targets",
                "gitUrl", repo.path().toString(), "buildCommand", "node build.js"))).get("id").asText();
        user.ok("PUT", "/api/v1/projects/" + projectId + "/env", Json.writeString(List.of(
                Map.of("key", "PROD_ONLY", "value", "p1", "target", "production"),
                Map.of("key", "PREVIEW_ONLY", "value", "v1", "target", "preview"))));

        String production = user.deployReady(projectId, "{}", BUILD);
        String preview = user.deployReady(projectId, "{\"branch\":\"feature\"}", BUILD);

        assertThat(user.logText(production)).contains("PROD=p1 PREVIEW=undefined");
        assertThat(user.logText(preview)).contains("PROD=undefined PREVIEW=v1");
    }

    @Test
    void installs_use_the_operators_registry_mirror_unless_the_project_names_its_own() throws Exception {
        String printRegistry = "{\"name\":\"r\",\"private\":true,\"scripts\":{\"build\":"
                + "\"node -e \\\"require('fs').mkdirSync('dist');require('fs').writeFileSync('dist/index.html','ok')\\\" && npm config get registry\"}}";
        GitRepos mirrored = GitRepos.create(tmp.resolve("mirrored")).write("package.json", printRegistry);
        mirrored.commit("uses the mirror");
        GitRepos own = GitRepos.create(tmp.resolve("own-registry")).write("package.json", printRegistry)
                .write(".npmrc", "registry=https://npm.example.test/\n");
        own.commit("names its registry");

        String a = user.deployReady(user.ok("POST", "/api/v1/projects", Json.writeString(Map.of("name", "Mirrored",
                "gitUrl", mirrored.path().toString()))).get("id").asText(), "{}", BUILD);
        String b = user.deployReady(user.ok("POST", "/api/v1/projects", Json.writeString(Map.of("name", "Own Registry",
                "gitUrl", own.path().toString()))).get("id").asText(), "{}", BUILD);

        assertThat(user.logText(a)).contains("Installing from " + MIRROR + " (MIAOBU_NPM_REGISTRY).")
                .contains("\n" + MIRROR + "\n");
        assertThat(user.logText(b)).contains("Installing from the registry named in .npmrc.")
                .contains("https://npm.example.test/").doesNotContain("\n" + MIRROR + "\n");
    }
}
