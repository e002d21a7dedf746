package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.http.Json;
import io.miaobu.testkit.GitRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * second install comes from the build cache), a VitePress site, and a pnpm workspace app.
 * ./miaobu test puts pnpm on PATH (installed into .tools/ when missing).
 */
class RealFrameworkBuildsTest {
    private static final Duration BUILD = Duration.ofMinutes(5);

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

        String first = user.deployReady(projectId, "{}", BUILD);
        String firstLog = user.awaitLog(first, "Build cache saved", Duration.ofMinutes(1));
        assertThat(firstLog).contains("Vite (React): install `npm ci`, build `npm run build`, output `dist`",
                "Build cache: none for this lockfile", "Build cache saved");
        String page = user.site("vite-react.localhost", "/").body();
        assertThat(page).contains("<div id=\"root\">");
        assertThat(firstScript("vite-react.localhost", page)).contains("Hello from Vite React");

        repo.write("src/main.jsx", "import { createRoot } from 'react-dom/client';\n"
                + "createRoot(document.getElementById('root')).render(<h1>Hello again</h1>);\n");
        repo.commit("second version");
        String second = user.deployReady(projectId, "{}", BUILD);
        assertThat(user.logText(second)).contains("Build cache restored from the previous build",
                "Install: `npm ci` skipped: node_modules was restored from a build with this exact lockfile");
        String again = user.site("vite-react.localhost", "/").body();
        assertThat(firstScript("vite-react.localhost", again)).contains("Hello again");
        assertThat(user.ok("GET", "/api/v1/deployments/" + second, null).get("stats").get("files").asInt())
                .as("only the site is published, never the cache").isLessThan(5);
    }

    @Test
    void a_vitepress_site_is_detected_from_its_docs_build_script_and_served_with_clean_urls() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("vitepress"))
                .write("package.json", """
                        {"name": "docs", "private": true, "type": "module",
                         "scripts": {"docs:dev": "vitepress dev docs", "docs:build": "vitepress build docs"},
                         "devDependencies": {"vitepress": "1.6.4"}}""")
                .write("docs/index.md", "# Hello VitePress\n\nSee the [guide](/guide).\n")
                .write("docs/guide.md", "# The Guide\n\nWritten in Markdown.\n");
        repo.commit("docs");
        String projectId = project("Docs Site", repo, null);

        String id = user.deployReady(projectId, "{}", BUILD);
        assertThat(user.logText(id)).contains("VitePress: install `npm install`, build `npm run docs:build`, output `docs/.vitepress/dist`");
        assertThat(user.site("docs-site.localhost", "/").body()).contains("Hello VitePress");
        ApiClient.Answer guide = user.site("docs-site.localhost", "/guide");
        assertThat(guide.status()).isEqualTo(200);
        assertThat(guide.body()).contains("Written in Markdown");
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

        String id = user.deployReady(projectId, "{}", BUILD);
        String log = user.logText(id);
        assertThat(log).contains("Vite: install `pnpm install`, build `pnpm run build`, output `dist`",
                "installed from the workspace root `.`");
        String page = user.site("mono-web.localhost", "/").body();
        assertThat(firstScript("mono-web.localhost", page)).contains("Hello from the pnpm workspace");
    }
}
