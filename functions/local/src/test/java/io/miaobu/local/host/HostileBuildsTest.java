package io.miaobu.local.host;

import static io.miaobu.local.host.HostileBuilds.attack;
import static io.miaobu.local.host.HostileBuilds.deploy;
import static io.miaobu.local.host.HostileBuilds.deployNew;
import static io.miaobu.local.host.HostileBuilds.project;
import static io.miaobu.local.host.HostileBuilds.report;
import static io.miaobu.local.host.HostileBuilds.scripted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.build.FileTrees;
import io.miaobu.json.Json;
import io.miaobu.local.host.HostileBuilds.Deployed;
import io.miaobu.testkit.GitRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: an untrusted build is contained. Each test is an attack a tenant's repository makes
 * from its build on one local host shared by several tenants (two builds at a time, limited to
 * {@value #MAX_PROCESSES} processes and 256 MiB each), and what a user would notice if it worked:
 * the platform's secret key published, another project's page carrying the attacker's code, a
 * secret stolen from a build running beside it, a host that stops building for everyone.
 * The attack on `./miaobu dev`'s embedded database needs a host of its own: {@link HostileBuildsDatabaseTest}.
 */
class HostileBuildsTest {
    private static final int MAX_PROCESSES = 64;
    /** What a build may see in /proc: its own shell, node and whatever the sandbox runs beside them, nothing of the host's. */
    private static final int OWN_PROCESSES = 20;

    @TempDir
    static Path tmp;

    static LocalHost host;
    static ApiClient user;
    static Path data;
    static String secretKey;

    @BeforeAll
    static void start() throws Exception {
        host = HostileBuilds.start(tmp, Map.of("MIAOBU_BUILD_CONCURRENCY", "2",
                "MIAOBU_BUILD_MAX_PROCESSES", String.valueOf(MAX_PROCESSES), "MIAOBU_BUILD_MEMORY_MB", "256"), false);
        user = new ApiClient(host.port()).signUp("hostile@example.com");
        data = tmp.resolve("data");
        secretKey = Files.readString(data.resolve("secret.key")).strip();
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    /** A project whose build publishes its own page, then takes {@code holdMillis}, with {@code secret} in its environment. */
    private static JsonNode victimProject(String name, int holdMillis, String secret) throws Exception {
        GitRepos repo = HostileBuilds.repo(tmp.resolve(name), Map.of("holdMillis", holdMillis), "victim.js");
        repo.commit(name);
        JsonNode project = user.createProject(scripted(name, repo, "node victim.js"));
        user.ok("PUT", "/api/v1/projects/" + project.get("id").asText() + "/env",
                Json.writeString(List.of(Map.of("key", "A_SECRET", "value", secret, "target", "all"))));
        return project;
    }

    private static final String GREETING = "Hello from tenant A";
    private static Deployed tenantA;

    /**
     * Tenant A, built once with its build cache saved: an npm project with a lockfile and one
     * dependency (a tarball in the repository, so the install works offline) whose build publishes
     * what the dependency says. The host's build cache holds its node_modules from then on.
     */
    private static synchronized Deployed cachedTenantA() throws Exception {
        if (tenantA == null) {
            Path pack = Files.createDirectories(tmp.resolve("greeting-package"));
            Files.writeString(pack.resolve("package.json"), "{\"name\":\"greeting\",\"version\":\"1.0.0\",\"main\":\"index.js\"}");
            Files.writeString(pack.resolve("index.js"), "module.exports = () => '" + GREETING + "';\n");
            npm(pack, "pack");
            GitRepos repo = GitRepos.create(tmp.resolve("tenant-a"))
                    .write("package.json", "{\"name\":\"tenant-a\",\"version\":\"1.0.0\",\"private\":true,"
                            + "\"scripts\":{\"build\":\"node build.js\"},\"dependencies\":{\"greeting\":\"file:vendor/greeting-1.0.0.tgz\"}}")
                    .write("vendor/greeting-1.0.0.tgz", Files.readAllBytes(pack.resolve("greeting-1.0.0.tgz")))
                    .write("build.js", "const fs = require('fs');\nfs.mkdirSync('dist');\n"
                            + "fs.writeFileSync('dist/index.html', '<p>' + require('greeting')() + '</p>');\n");
            npm(repo.path(), "install", "--ignore-scripts", "--no-audit", "--no-fund", "--offline");
            FileTrees.delete(repo.path().resolve("node_modules"));
            repo.commit("tenant A with a dependency and its lockfile");
            Deployed first = deployNew(user, project("tenant-a-cache", repo, Map.of()));
            assertThat(first.status()).as("%s", first).isEqualTo("READY");
            user.awaitLog(first.id(), "Build cache saved", HostileBuilds.BUILD);
            tenantA = first;
        }
        return tenantA;
    }

    private static void npm(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("npm"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(tmp, "npm", ".log");
        Process npm = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!npm.waitFor(60, TimeUnit.SECONDS) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new AssertionError(command + " in " + dir + " failed:\n" + Files.readString(output));
        }
    }

    @Test
    void a_build_cannot_read_the_platforms_secret_key_or_list_its_data() throws Exception {
        cachedTenantA(); // a host that has built something: a build cache, artifacts, routes
        List<String> paths = new ArrayList<>(List.of(data.resolve("secret.key").toString(), data.toString(),
                data.resolve("artifacts").toString(), data.resolve("routes").toString(), data.resolve("build-cache").toString(),
                data.resolve("builds").toString()));
        try (Stream<Path> children = Files.list(data)) {
            children.map(Path::toString).filter(p -> !paths.contains(p)).sorted().forEach(paths::add);
        }
        Deployed snoop = attack(user, tmp, "hostile-snoop", Map.of("paths", paths), null, "snoop.js");

        assertThat(snoop.status()).as("%s", snoop).isEqualTo("READY");
        String page = snoop.site(user, "/").body();
        JsonNode found = report(page, "SNOOP");
        assertThat(found).as("the build's report in its page:\n%s", page).isNotNull();
        SoftAssertions soft = new SoftAssertions();
        HostileBuilds.assertNotIn(soft, "the published page", page, secretKey);
        HostileBuilds.assertNotIn(soft, "the build log", snoop.log(), secretKey);
        String cwd = found.get("cwd").asText();
        for (Iterator<Map.Entry<String, JsonNode>> it = found.get("reads").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> read = it.next();
            soft.assertThat(contained(read.getKey(), read.getValue().asText(), cwd)).as(read.getKey() + " -> " + read.getValue().asText())
                    .isTrue();
        }
        soft.assertAll();
    }

    /** Denied, not there, or a directory showing nothing but the way to the build's own workspace. */
    private static boolean contained(String path, String result, String cwd) {
        if (result.startsWith("DENIED") || result.startsWith("MISSING")) {
            return true;
        }
        if (!result.startsWith("LISTED ") || !cwd.startsWith(path + "/")) {
            return false;
        }
        String ownWay = cwd.substring(path.length() + 1).split("/")[0];
        String listed = result.substring("LISTED ".length());
        return listed.isEmpty() || listed.equals(ownWay);
    }

    @Test
    void a_root_directory_linked_to_the_data_directory_fails_the_deployment_and_publishes_nothing() throws Exception {
        assertLinkToDataFails("linked-root", "site", Map.of("rootDirectory", "site", "outputDirectory", "."), "root directory");
    }

    @Test
    void an_output_directory_linked_to_the_data_directory_fails_the_deployment_and_publishes_nothing() throws Exception {
        assertLinkToDataFails("linked-output", "out", Map.of("outputDirectory", "out"), "output directory");
    }

    /** A repository whose {@code link} is a symbolic link to the data directory, deployed with {@code settings} (no build). */
    private static void assertLinkToDataFails(String name, String link, Map<String, String> settings, String named) throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve(name)).write("README.md", "the site is elsewhere").symlink(link, data.toString());
        repo.commit(link + " links to the platform's data");

        Deployed linked = deployNew(user, project(name, repo, settings));

        SoftAssertions soft = new SoftAssertions();
        HostileBuilds.assertNotIn(soft, "/secret.key on the site", linked.site(user, "/secret.key").body(), secretKey);
        soft.assertThat(linked.status()).as("%s", linked).isEqualTo("FAILED");
        soft.assertThat(linked.error()).as("the deployment's error").containsIgnoringCase(named);
        soft.assertAll();
    }

    @Test
    void output_files_linked_to_system_or_platform_files_are_never_served() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("linked-files")).write("dist/index.html", "<h1>links</h1>")
                .symlink("dist/passwd.txt", "/etc/passwd").symlink("dist/key.txt", data.resolve("secret.key").toString());
        repo.commit("output files link to the system's and the platform's files");

        Deployed linked = deployNew(user, project("linked-files", repo, Map.of("outputDirectory", "dist")));

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(linked.site(user, "/key.txt").body()).as("/key.txt on the site").doesNotContain(secretKey);
        soft.assertThat(linked.site(user, "/passwd.txt").body()).as("/passwd.txt on the site").doesNotContain("root:");
        if (linked.status().equals("FAILED")) {
            soft.assertThat(linked.error()).as("the deployment's error names the file").containsAnyOf("key.txt", "passwd.txt");
        } else {
            soft.assertThat(linked.status()).as("%s", linked).isEqualTo("READY");
        }
        soft.assertAll();
    }

    @Test
    void a_build_cannot_plant_code_in_another_projects_build_cache() throws Exception {
        Deployed first = cachedTenantA();

        Deployed plant = attack(user, tmp, "tenant-b-planter", Map.of("roots",
                List.of(data.resolve("build-cache").toString(), data.resolve("builds").toString())), null, "plant.js");
        Deployed again = deploy(user, first.project());

        assertThat(again.status()).as("%s", again).isEqualTo("READY");
        assertThat(again.site(user, "/").body()).as("tenant A's page after tenant B's build (B: %s)", plant.log())
                .contains(GREETING).doesNotContain("PLANTED BY TENANT B");
    }

    @Test
    void nothing_a_build_starts_outlives_it_to_spy_on_or_tamper_with_later_builds() throws Exception {
        String marker = "hostile-linger-" + UUID.randomUUID();
        String secret = "linger-secret-" + UUID.randomUUID();
        JsonNode victim = victimProject("linger-victim", 3000, secret);
        try {
            Deployed lingerer = attack(user, tmp, "linger-attacker", Map.of(),
                    "setsid nohup node linger.js " + marker + " > /dev/null 2>&1 & node linger-wait.js", "linger.js", "linger-wait.js");
            List<ProcessHandle> survivors = HostileBuilds.processesWith(marker);
            Deployed later = deploy(user, victim);

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(lingerer.status()).as("%s", lingerer).isEqualTo("READY");
            soft.assertThat(survivors).as("processes of deployment %s alive after it ended", lingerer.id()).isEmpty();
            soft.assertThat(later.status()).as("%s", later).isEqualTo("READY");
            String page = later.site(user, "/").body();
            soft.assertThat(page).as("tenant A's page").contains("\"page\":\"original\"").doesNotContain("LINGERED")
                    .doesNotContain(secret);
            soft.assertAll();
        } finally {
            HostileBuilds.processesWith(marker).forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void a_build_cannot_see_another_running_builds_processes_or_secrets() throws Exception {
        String secret = "running-secret-" + UUID.randomUUID();
        JsonNode victim = victimProject("running-victim", 60_000, secret);

        String running = user.deploy(victim.get("id").asText(), "{}");
        Deployed scan;
        try {
            user.awaitLog(running, "VICTIM WAITING", HostileBuilds.BUILD);
            scan = attack(user, tmp, "proc-scanner", Map.of(), null, "scan.js");
        } finally {
            user.call("POST", "/api/v1/deployments/" + running + "/cancel", null);
            user.awaitFinal(running, HostileBuilds.BUILD);
        }

        assertThat(scan.status()).as("%s", scan).isEqualTo("READY");
        String page = scan.site(user, "/").body();
        JsonNode found = report(page, "SCAN");
        assertThat(found).as("the scanner's report in its page").isNotNull();
        JsonNode seen = found.get("seen");
        String jvm = ProcessHandle.current().info().command().orElseThrow();
        List<String> platform = new ArrayList<>();
        seen.forEach(p -> {
            if (p.get("cmdline").asText().startsWith(jvm)) {
                platform.add(p.get("cmdline").asText());
            }
        });
        SoftAssertions soft = new SoftAssertions();
        HostileBuilds.assertNotIn(soft, "the scanner's log", scan.log(), secret);
        HostileBuilds.assertNotIn(soft, "the scanner's page", page, secret);
        soft.assertThat(platform).as("the platform's own process (%s) seen from the build", jvm).isEmpty();
        soft.assertThat(seen.size()).as("processes the build can see").isLessThanOrEqualTo(OWN_PROCESSES);
        soft.assertAll();
    }

    @Test
    void a_fork_bomb_stops_at_the_process_limit_and_the_host_keeps_building() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"),
                "a per-build process limit needs a uid per build, which only a root Miaobu can give (docs/builds.md \"The sandbox\")");
        Deployed bomb = attack(user, tmp, "hostile-fork", Map.of("count", 300), null, "fork.js");
        Deployed after = attack(user, tmp, "after-fork", Map.of("holdMillis", 0), null, "victim.js");

        JsonNode forked = report(bomb.log(), "FORK");
        SoftAssertions soft = new SoftAssertions();
        if (forked != null) {
            soft.assertThat(forked.get("alive").asInt()).as("sleep processes alive at once (%s)", forked).isLessThanOrEqualTo(MAX_PROCESSES);
        } else {
            soft.assertThat(bomb.status()).as("a fork bomb stopped before it could report: %s", bomb).isEqualTo("FAILED");
        }
        soft.assertThat(bomb.log()).as("the fork bomb's log").contains("process limit").contains("MIAOBU_BUILD_MAX_PROCESSES");
        soft.assertThat(after.status()).as("the next build on the host: %s", after).isEqualTo("READY");
        soft.assertAll();
    }

    @Test
    void a_build_that_exceeds_its_memory_limit_fails_and_says_so() throws Exception {
        Deployed hog = attack(user, tmp, "hostile-memory", Map.of(), null, "alloc.js");

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(hog.status()).as("%s", hog).isEqualTo("FAILED");
        soft.assertThat(hog.log()).as("the build's log").contains("memory limit").contains("MIAOBU_BUILD_MEMORY_MB");
        soft.assertAll();
    }
}
