package io.miaobu.local.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import io.miaobu.testkit.GitRepos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;

/**
 * What the hostile-build tests share (issue 13: one tenant's build never reaches the platform or
 * another tenant). Each attack is a node script from {@code src/test/resources/hostile/}, committed
 * to a real repository with {@code report.js} and its parameters ({@code hostile.json}); what it
 * found goes to its log as {@code NAME {json}} and into the page it publishes.
 */
final class HostileBuilds {
    static final Duration BUILD = Duration.ofSeconds(120);

    private HostileBuilds() {}

    /**
     * A local host whose data directory ({@code tmp/data}) a build can reach by its path, as
     * {@code ./miaobu dev}'s {@code .miaobu} in a checkout is: JUnit's temporary directory is private
     * to its owner, which would hide the data directory from builds whatever the sandbox does.
     */
    static LocalHost start(Path tmp, Map<String, String> settings, boolean embeddedDatabase) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        return embeddedDatabase ? TestHosts.startWithEmbeddedDatabase(tmp, settings) : TestHosts.start(tmp, settings);
    }

    /** A repository in {@code dir} with the attack scripts named, report.js and hostile.json ({@code params}), not yet committed. */
    static GitRepos repo(Path dir, Map<String, ?> params, String... scripts) {
        GitRepos repo = GitRepos.create(dir).write("report.js", script("report.js")).write("hostile.json", Json.writeString(params));
        for (String name : scripts) {
            repo.write(name, script(name));
        }
        return repo;
    }

    static String script(String name) {
        try (InputStream in = HostileBuilds.class.getResourceAsStream("/hostile/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource hostile/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> project(String name, GitRepos repo, Map<String, String> settings) {
        Map<String, Object> fields = new LinkedHashMap<>(settings);
        fields.put("name", name);
        fields.put("gitUrl", repo.path().toString());
        return fields;
    }

    /** A project that runs {@code command} as its build and publishes dist. */
    static Map<String, Object> scripted(String name, GitRepos repo, String command) {
        return project(name, repo, Map.of("buildCommand", command, "outputDirectory", "dist"));
    }

    /**
     * Project {@code name}, its repository in {@code tmp/name} holding the attack scripts named, deployed;
     * its build runs {@code command}, or the first script when that is null.
     */
    static Deployed attack(ApiClient user, Path tmp, String name, Map<String, ?> params, String command, String... scripts)
            throws Exception {
        GitRepos repo = HostileBuilds.repo(tmp.resolve(name), params, scripts);
        repo.commit(name);
        return deployNew(user, scripted(name, repo, command != null ? command : "node " + scripts[0]));
    }

    /** A project with {@code fields} (name, gitUrl, settings) and its first deployment, waited for until final. */
    static Deployed deployNew(ApiClient user, Map<String, ?> fields) throws Exception {
        JsonNode project = user.createProject(fields);
        return deploy(user, project);
    }

    /** Another deployment of {@code project}, waited for until final. */
    static Deployed deploy(ApiClient user, JsonNode project) throws Exception {
        JsonNode done = user.awaitFinal(user.deploy(project.get("id").asText(), "{}"), BUILD);
        String id = done.get("id").asText();
        return new Deployed(project, done, user.logText(id));
    }

    /** A final deployment of a project, with its log. */
    record Deployed(JsonNode project, JsonNode deployment, String log) {
        String id() {
            return deployment.get("id").asText();
        }

        String status() {
            return deployment.get("status").asText();
        }

        String error() {
            return deployment.path("error").asText("");
        }

        /** The project's site: what its live deployment serves at {@code path}. */
        ApiClient.Answer site(ApiClient user, String path) throws Exception {
            return user.site(project.get("slug").asText() + ".localhost", path);
        }

        @Override
        public String toString() {
            return "deployment " + id() + " " + status() + " " + error() + "\nlog:\n" + log;
        }
    }

    /** The report a script published as {@code NAME {json}}, in a log or a page; null when there is none. */
    static JsonNode report(String text, String name) throws IOException {
        String line = text.lines().filter(l -> l.startsWith(name + " {")).findFirst().orElse(null);
        return line == null ? null : Json.MAPPER.readTree(line.substring(name.length() + 1));
    }

    /** That {@code text} (a page, a log) does not hold {@code secret}, showing only where it does if it does. */
    static void assertNotIn(SoftAssertions soft, String where, String text, String secret) {
        int at = text.indexOf(secret);
        soft.assertThat(at < 0).as("%s holds %s: …%s…", where, secret,
                at < 0 ? "" : text.substring(Math.max(0, at - 300), Math.min(text.length(), at + secret.length() + 100))).isTrue();
    }

    /** The processes on this machine whose command line contains {@code marker}. */
    static List<ProcessHandle> processesWith(String marker) throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                if (!proc.getFileName().toString().matches("\\d+")) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(marker)) {
                        ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(found::add);
                    }
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }
}
