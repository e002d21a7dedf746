package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import io.miaobu.testkit.GitRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real frameworks installed from the npm registry, detected (no build settings given), built in
 * the sandbox and served by the edge: a Vite React app with npm and a lockfile (built twice: the
 * second install comes from the build cache) and a pnpm workspace app.
 * Then new users' projects, from the frameworks' official generators on npm ({@link TemplateProjects}),
 * imported with no build settings, deployed, changed and redeployed (the second build starts from the
 * build cache): each must be served both times, its home page, the files that page loads and the
 * changed file. The outcome per project is written to {@code target/real-projects.txt}, and every
 * published file to {@code target/real-projects-files.txt} (edge/scripts/hashed-names.mjs makes the
 * hashed-name corpus from it). Builds get pnpm and yarn through corepack, bun from the PATH (./miaobu puts it in .tools/bin).
 */
class RealFrameworkBuildsTest {
    private static final Duration BUILD = Duration.ofMinutes(5);
    private static final Duration TEMPLATE_BUILD = Duration.ofMinutes(8);
    // Quoted or not (minified HTML), absolute or relative to the home page (Angular's `src="main-X.js"`).
    private static final Pattern LOADED = Pattern.compile("(?:src|href)=[\"']?((?!https?:|//)[^\"' >]+\\.(?:js|css))[\"' >]");

    @TempDir
    static Path tmp;

    static LocalHost host;
    static ApiClient user;

    @BeforeAll
    static void start() throws Exception {
        host = TestHosts.start(tmp, Map.of());
        user = new ApiClient(host.port()).signUp("frameworks@example.com");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    private static String project(String name, GitRepos repo, String rootDirectory) throws Exception {
        Map<String, Object> body = rootDirectory == null ? Map.of("name", name, "gitUrl", repo.path().toString())
                : Map.of("name", name, "gitUrl", repo.path().toString(), "rootDirectory", rootDirectory);
        return user.ok("POST", "/api/v1/projects", Json.writeString(body)).get("id").asText();
    }

    /** The first script asset the page links to, fetched from the site. */
    private static String firstScript(String host, String page) throws Exception {
        Matcher m = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(page);
        assertThat(m.find()).as("a script asset in %s", page).isTrue();
        ApiClient.Answer asset = user.site(host, m.group(1));
        assertThat(asset.status()).isEqualTo(200);
        return asset.body();
    }

    /** A lockfile as a developer commits it: from a real install in a scratch copy (the lock-only mode leaves out other platforms' optional packages). */
    private static void lockfile(Path dir) throws Exception {
        Path scratch = Files.createTempDirectory(tmp, "lock");
        Files.copy(dir.resolve("package.json"), scratch.resolve("package.json"));
        Process p = new ProcessBuilder("npm", "install", "--ignore-scripts", "--no-audit", "--no-fund")
                .directory(scratch.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Files.copy(scratch.resolve("package-lock.json"), dir.resolve("package-lock.json"));
    }

    // The rollup pin: a registry mirror can lag behind with other platforms' binaries of the newest
    // rollup, and a lockfile made against it then fails `npm ci`; a settled version avoids that.
    @Test
    void a_vite_react_app_with_npm_builds_and_its_second_install_comes_from_the_build_cache() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("vite-react"))
                .write("package.json", """
                        {"name": "vite-react-app", "private": true, "type": "module",
                         "scripts": {"build": "vite build"},
                         "dependencies": {"react": "18.3.1", "react-dom": "18.3.1"},
                         "devDependencies": {"vite": "6.4.6", "@vitejs/plugin-react": "4.6.0"},
                         "overrides": {"rollup": "4.67.4"}}""")
                .write("vite.config.js", "import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n"
                        + "export default defineConfig({ plugins: [react()] });\n")
                .write("index.html", "<!doctype html><html><head><title>Vite React</title></head><body><div id=\"root\"></div>"
                        + "<script type=\"module\" src=\"/src/main.jsx\"></script></body></html>")
                .write("src/main.jsx", "import { createRoot } from 'react-dom/client';\n"
                        + "createRoot(document.getElementById('root')).render(<h1>Hello from Vite React</h1>);\n");
        lockfile(repo.path());
        repo.commit("vite react app");
        String projectId = project("Vite React", repo, null);

        String first = user.deployLive(projectId, BUILD);
        String firstLog = user.awaitLog(first, "Build cache saved", Duration.ofMinutes(1));
        assertThat(firstLog).contains("Vite (React): install `npm ci`, build `npm run build`, output `dist`",
                "Build cache: none for this lockfile", "Build cache saved");
        String page = user.site("vite-react.localhost", "/").body();
        assertThat(page).contains("<div id=\"root\">");
        assertThat(firstScript("vite-react.localhost", page)).contains("Hello from Vite React");

        repo.write("src/main.jsx", "import { createRoot } from 'react-dom/client';\n"
                + "createRoot(document.getElementById('root')).render(<h1>Hello again</h1>);\n");
        repo.commit("second version");
        String second = user.deployLive(projectId, BUILD);
        assertThat(user.logText(second)).contains("Build cache restored from the previous build",
                "Install: `npm ci` skipped: node_modules was restored from a build with this exact lockfile");
        String again = user.site("vite-react.localhost", "/").body();
        assertThat(firstScript("vite-react.localhost", again)).contains("Hello again");
        assertThat(user.ok("GET", "/api/v1/deployments/" + second, null).get("stats").get("files").asInt())
                .as("only the site is published, never the cache").isLessThan(5);
    }

    @Test
    void a_pnpm_workspace_app_installs_from_the_repository_root_and_builds_its_own_folder() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("monorepo"))
                .write("package.json", "{\"name\": \"mono\", \"private\": true}")
                .write("pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n  - 'packages/*'\n")
                .write("packages/greeting/package.json", "{\"name\": \"@mono/greeting\", \"version\": \"1.0.0\", \"type\": \"module\", \"main\": \"index.js\"}")
                .write("packages/greeting/index.js", "export const greeting = 'Hello from the pnpm workspace';\n")
                .write("apps/web/package.json", """
                        {"name": "web", "private": true, "type": "module", "scripts": {"build": "vite build"},
                         "dependencies": {"@mono/greeting": "workspace:*"}, "devDependencies": {"vite": "6.4.6"}}""")
                .write("apps/web/index.html", "<!doctype html><html><body><p id=\"g\"></p><script type=\"module\" src=\"/main.js\"></script></body></html>")
                .write("apps/web/main.js", "import { greeting } from '@mono/greeting';\ndocument.getElementById('g').textContent = greeting;\n");
        repo.commit("workspace");
        String projectId = project("Mono Web", repo, "apps/web");
        registryWithoutSignatures(projectId);

        String id = user.deployLive(projectId, BUILD);
        String log = user.logText(id);
        assertThat(log).contains("Vite: install `pnpm install`, build `pnpm run build`, output `dist`",
                "installed from the workspace root `.`");
        String page = user.site("mono-web.localhost", "/").body();
        assertThat(firstScript("mono-web.localhost", page)).contains("Hello from the pnpm workspace");
    }

    /**
     * The registry this suite reaches goes through a proxy that drops npm's package signatures, which corepack
     * checks before it runs yarn or pnpm: the project variable a user behind such a mirror sets (README).
     */
    private static void registryWithoutSignatures(String projectId) throws Exception {
        user.ok("PUT", "/api/v1/projects/" + projectId + "/env", Json.writeString(List.of(
                Map.of("key", "COREPACK_INTEGRITY_KEYS", "value", "0", "target", "all"))));
    }

    private static final Map<String, List<String>> CACHE_LINES = new java.util.concurrent.ConcurrentHashMap<>();

    /** The build cache's lines of a READY deployment's log, once it saved (or did not save) its cache. */
    private static List<String> cacheLines(String deploymentId) throws Exception {
        List<String> lines = List.of();
        for (long deadline = System.nanoTime() + 30_000_000_000L; System.nanoTime() < deadline; Thread.sleep(200)) {
            lines = user.logText(deploymentId).lines().filter(l -> l.startsWith("Build cache")).toList();
            if (lines.stream().anyMatch(l -> l.contains("saved"))) {
                break;
            }
        }
        return lines;
    }

    /** What went wrong for one project in one round, or null. */
    private static String served(TemplateProjects.Template template, String slug, String check) throws Exception {
        String site = slug + ".localhost";
        ApiClient.Answer unknown = user.site(site, "/no-such-page/here");
        if (template.singlePage() ? unknown.status() != 200 : unknown.status() != 404) {
            return "/no-such-page/here answered " + unknown.status() + (template.singlePage() ? ", not the app" : ", not a 404");
        }
        ApiClient.Answer home = user.site(site, "/");
        if (home.status() != 200 || !home.body().contains("<")) {
            return "/ answered " + home.status();
        }
        Matcher m = LOADED.matcher(home.body());
        while (m.find()) {
            ApiClient.Answer file = user.site(site, "/" + m.group(1).replaceFirst("^(\\./|/)", ""));
            if (file.status() != 200) {
                return m.group(1) + " answered " + file.status();
            }
        }
        ApiClient.Answer changed = user.site(site, "/miaobu-check.txt");
        if (changed.status() != 200 || !changed.body().strip().equals(check)) {
            return "/miaobu-check.txt answered " + changed.status() + " " + changed.body().strip();
        }
        return null;
    }

    /** VitePress is recognised from its {@code docs:build} script alone, and its pages answer at clean URLs ({@code /guide}). */
    private static String vitePressDetectedWithCleanUrls(String slug, String log) throws Exception {
        String detected = "VitePress: install `npm install`, build `npm run docs:build`, output `docs/.vitepress/dist`";
        if (!log.contains(detected)) {
            return "not built as " + detected + ": " + log.lines().filter(l -> l.contains("install `")).toList();
        }
        ApiClient.Answer guide = user.site(slug + ".localhost", "/guide");
        return guide.status() == 200 && guide.body().contains("Written in Markdown") ? null
                : "/guide answered " + guide.status() + ", not the guide page";
    }

    /** Deploys every project at once (the builders take them in turn) and returns, per project, null or what failed. */
    private static Map<String, String> round(Map<String, String> projects, String check) throws Exception {
        Map<String, String> deployments = new LinkedHashMap<>();
        for (var p : projects.entrySet()) {
            deployments.put(p.getKey(), user.deploy(p.getValue(), "{}"));
        }
        Map<String, String> outcome = new LinkedHashMap<>();
        for (var d : deployments.entrySet()) {
            JsonNode done = user.awaitFinal(d.getValue(), TEMPLATE_BUILD);
            if (!done.get("status").asText().equals("READY")) {
                String log = user.logText(d.getValue());
                outcome.put(d.getKey(), done.get("status").asText() + ": " + done.get("error").asText() + "\n"
                        + log.lines().skip(Math.max(0, log.lines().count() - 25)).reduce("", (a, b) -> a + "    " + b + "\n"));
            } else {
                // READY comes a moment before the production host switches to it: the served site is checked after.
                try {
                    user.awaitLive(projects.get(d.getKey()), d.getValue());
                } catch (AssertionError e) {
                    outcome.put(d.getKey(), "READY, but the production host never switched to it");
                    continue;
                }
                String slug = user.ok("GET", "/api/v1/projects/" + projects.get(d.getKey()), null).get("slug").asText();
                TemplateProjects.Template template = TemplateProjects.ALL.stream().filter(t -> t.name().equals(d.getKey())).findFirst().orElseThrow();
                String failure = served(template, slug, check);
                String log = user.logText(d.getValue());
                if (failure == null && d.getKey().equals("vite-bun") && !log.contains("install `bun install --frozen-lockfile`, build `bun run build`")) {
                    failure = "not installed and built with bun: " + log.lines().filter(l -> l.contains("install `")).toList();
                }
                if (failure == null && d.getKey().equals("vitepress")) {
                    failure = vitePressDetectedWithCleanUrls(slug, log);
                }
                if (failure == null && check.equals("second") && !log.contains("Build cache restored")) {
                    failure = "the build cache was not restored: " + log.lines().filter(l -> l.startsWith("Build cache")).toList()
                            + ", after the first build's " + CACHE_LINES.get(d.getKey());
                }
                outcome.put(d.getKey(), failure);
                if (check.equals("first")) {
                    CACHE_LINES.put(d.getKey(), cacheLines(d.getValue()));
                }
            }
        }
        return outcome;
    }

    @Test
    void every_template_project_deploys_on_the_first_try_and_redeploys_from_its_build_cache() throws Exception {
        long started = System.nanoTime();
        List<GitRepos> repos = TemplateProjects.generate(Files.createDirectories(tmp.resolve("templates")));
        Map<String, String> projects = new LinkedHashMap<>();
        for (int i = 0; i < repos.size(); i++) {
            String name = TemplateProjects.selected().get(i).name();
            projects.put(name, user.ok("POST", "/api/v1/projects",
                    Json.writeString(Map.of("name", name, "gitUrl", repos.get(i).path().toString()))).get("id").asText());
            registryWithoutSignatures(projects.get(name));
        }
        double generated = (System.nanoTime() - started) / 1e9;

        Map<String, String> first = round(projects, "first");
        for (int i = 0; i < repos.size(); i++) {
            TemplateProjects.Template t = TemplateProjects.selected().get(i);
            TemplateProjects.write(repos.get(i).path().resolve(t.staticFolder()).resolve("miaobu-check.txt"), "second\n");
            repos.get(i).commit("a change");
        }
        double firstRound = (System.nanoTime() - started) / 1e9;
        Map<String, String> second = round(projects, "second");
        double total = (System.nanoTime() - started) / 1e9;

        List<String> report = new ArrayList<>();
        report.add(String.format("generated in %.0fs, first deploys done at %.0fs, redeploys at %.0fs", generated, firstRound, total));
        for (String name : projects.keySet()) {
            report.add(String.format("%-18s first try: %-4s redeploy: %s", name, first.get(name) == null ? "ok" : "FAIL",
                    second.get(name) == null ? "ok" : "FAIL"));
        }
        for (String name : projects.keySet()) {
            if (first.get(name) != null) {
                report.add(name + " first try: " + first.get(name));
            }
            if (second.get(name) != null) {
                report.add(name + " redeploy: " + second.get(name));
            }
        }
        Files.writeString(Path.of("target/real-projects.txt"), String.join("\n", report) + "\n");
        // Every published file of every project, for the hashed-asset corpus (edge/test/vectors/hashed-names.json).
        List<String> published = new ArrayList<>();
        for (var p : projects.entrySet()) {
            Path sites = tmp.resolve("data/artifacts/sites").resolve(p.getValue());
            if (Files.isDirectory(sites)) {
                try (var walk = Files.walk(sites)) {
                    walk.filter(Files::isRegularFile).map(f -> p.getKey() + " " + sites.relativize(f).toString().replace('\\', '/'))
                            .filter(line -> !line.contains(" _blobs/")).sorted().forEach(published::add);
                }
            }
        }
        Files.writeString(Path.of("target/real-projects-files.txt"), String.join("\n", published) + "\n");
        System.out.println(String.join("\n", report));
        assertThat(first).as(String.join("\n", report)).allSatisfy((name, failure) -> assertThat(failure).isNull());
        assertThat(second).as(String.join("\n", report)).allSatisfy((name, failure) -> assertThat(failure).isNull());
    }
}
