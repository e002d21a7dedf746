package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.local.cli.MiaobuCli;
import io.miaobu.testkit.GitRepos;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./miaobu deploy DIR` against the local host, and the local edge serving the result exactly as its
 * _redirects and _headers say; then a redeploy that uploads only what changed, sign-in, and errors.
 * Also a Git build, whose rules files are compiled the same way.
 */
class FolderDeployFlowTest {
    private static final String SITE = "folder-site.localhost";

    @TempDir
    static Path tmp;

    static LocalHost host;
    static ApiClient user;

    @BeforeAll
    static void start() throws Exception {
        host = TestHosts.start(tmp, Map.of());
        user = new ApiClient(host.port()).signUp("folder@example.com");
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    record Run(int exit, String out, String err) {}

    static Run cli(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> all = new HashMap<>(Map.of("MIAOBU_API_URL", "http://127.0.0.1:" + host.port(),
                "XDG_CONFIG_HOME", tmp.resolve("config").toString()));
        all.putAll(env);
        int exit = MiaobuCli.run(args, all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run deploy(String... args) {
        return cli(Map.of("MIAOBU_TOKEN", user.token), "", args);
    }

    static Path write(Path dir, String path, String content) throws Exception {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    static Path site() throws Exception {
        Path dir = tmp.resolve("site");
        write(dir, "index.html", "<h1>home v1</h1>");
        write(dir, "about.html", "<h1>about</h1>");
        write(dir, "404.html", "<h1>custom 404</h1>");
        write(dir, "shop-closed.html", "<h1>the shop is closed</h1>");
        write(dir, "blog/hello.html", "<h1>hello</h1>");
        write(dir, "app/index.html", "<h1>app shell</h1>");
        write(dir, "products/42.html", "<h1>product 42</h1>");
        write(dir, "assets/app-3f9a1b2c.js", "console.log('app')");
        write(dir, ".git/HEAD", "ref: refs/heads/main");
        write(dir, "_redirects", """
                # moved pages
                /old-about    /about            301
                /news/*       /blog/:splat      302
                /store  id=:id  /products/:id   301
                /app/*        /app/index.html   200
                /about        /elsewhere        301
                /blog/hello   /forced           302!
                /shop/*       /shop-closed.html 404
                /proxy/*      https://example.com/:splat 200
                /geo          /cn               302  Country=cn
                """);
        write(dir, "_headers", """
                /*
                  X-Frame-Options: DENY
                  X-Content-Type-Options: nosniff
                /assets/*
                  Cache-Control: public, max-age=60
                  ! X-Frame-Options
                Not A Header Line
                """);
        return dir;
    }

    @Test
    void a_deployed_folder_is_served_following_its_redirects_and_headers_exactly() throws Exception {
        Path dir = site();
        Run first = deploy("deploy", dir.toString(), "--project", "Folder Site", "--prod");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out())
                .contains("Created project Folder Site")
                .contains("10 files") // 8 pages and assets + the two rules files; .git is left out
                .contains("Uploaded 10 files")
                .contains("reused 0 files")
                .contains("Warning: _redirects:9: proxying to another origin")
                .contains("Warning: _redirects:10: conditions like `Country=cn`")
                .contains("Warning: _headers:7: ")
                .contains("Production: http://" + SITE + ":" + host.port());
        assertThat(first.out()).containsPattern("Ready: +http://d[0-9a-z]+--folder-site\\.localhost:" + host.port());

        // _redirects, line by line
        assertRedirect("/old-about", 301, "/about");
        assertRedirect("/news/2024/launch?ref=x", 302, "/blog/2024/launch?ref=x");
        assertRedirect("/store?id=42", 301, "/products/42");
        assertThat(user.site(SITE, "/store").status()).isEqualTo(404);
        assertPage("/app/settings/profile", 200, "<h1>app shell</h1>");
        assertPage("/about", 200, "<h1>about</h1>"); // the file shadows the unforced rule
        assertRedirect("/blog/hello", 302, "/forced"); // the forced rule wins over the file
        assertPage("/shop/anything", 404, "<h1>the shop is closed</h1>");
        assertPage("/proxy/x", 404, "<h1>custom 404</h1>"); // ignored with a warning
        assertPage("/geo", 404, "<h1>custom 404</h1>");
        assertThat(user.site(SITE, "/_redirects").status()).isEqualTo(404); // rules files are not published
        assertThat(user.site(SITE, "/.git/HEAD").status()).isEqualTo(404);

        // _headers: every matching block, `!` removing, a rule replacing the default
        ApiClient.Answer home = user.site(SITE, "/");
        assertThat(home.body()).isEqualTo("<h1>home v1</h1>");
        assertThat(header(home, "x-frame-options")).isEqualTo("DENY");
        assertThat(header(home, "x-content-type-options")).isEqualTo("nosniff");
        ApiClient.Answer asset = user.site(SITE, "/assets/app-3f9a1b2c.js");
        assertThat(header(asset, "cache-control")).isEqualTo("public, max-age=60");
        assertThat(asset.raw().headers().firstValue("x-frame-options")).isEmpty();
        assertThat(header(asset, "x-content-type-options")).isEqualTo("nosniff");
        assertThat(header(user.site(SITE, "/app/x"), "x-frame-options")).isEqualTo("DENY");

        // A redeploy with one changed page uploads that page only, and goes live.
        write(dir, "index.html", "<h1>home v2</h1>");
        Run second = deploy("deploy", dir.toString(), "--project", "Folder Site", "--prod");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).contains("Uploaded 1 files (16 B), reused 9 files").doesNotContain("Created project");
        assertThat(user.site(SITE, "/").body()).isEqualTo("<h1>home v2</h1>");

        // A preview deploy keeps production as it is.
        write(dir, "index.html", "<h1>preview</h1>");
        Run preview = deploy("deploy", dir.toString(), "--project", "folder-site");
        assertThat(preview.exit()).as(preview.err()).isZero();
        assertThat(preview.out()).doesNotContain("Production:");
        assertThat(user.site(SITE, "/").body()).isEqualTo("<h1>home v2</h1>");

        // The deployments list says who deployed it: the token's user, via the CLI.
        Matcher ready = Pattern.compile("Ready: +http://(d[0-9a-z]+)--").matcher(preview.out());
        assertThat(ready.find()).as(preview.out()).isTrue();
        JsonNode deployment = user.ok("GET", "/api/v1/deployments/" + ready.group(1), null);
        assertThat(deployment.path("trigger").asText()).isEqualTo("cli");
        assertThat(deployment.path("triggeredBy").path("login").asText()).isEqualTo("folder");
    }

    @Test
    void login_saves_a_token_that_deploy_then_uses() throws Exception {
        Path config = tmp.resolve("login-config");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", config.toString());
        Run registered = cli(env, "a long password\n", "login", "--email", "cli@example.com", "--register");
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.out()).contains("Registered and signed in", "cli@example.com");
        assertThat(Files.readString(config.resolve("miaobu/credentials.json"))).contains("http://127.0.0.1:" + host.port());
        assertThat(Files.getPosixFilePermissions(config.resolve("miaobu/credentials.json")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        Path dir = tmp.resolve("tiny");
        write(dir, "index.html", "tiny");
        Run deployed = cli(env, "", "deploy", dir.toString());
        assertThat(deployed.exit()).as(deployed.err()).isZero();
        assertThat(deployed.out()).contains("Created project tiny");

        Run wrong = cli(env, "not the password\n", "login", "--email", "cli@example.com");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).startsWith("miaobu: ").contains("password");
    }

    @Test
    void errors_exit_non_zero_with_the_servers_message() throws Exception {
        Path dir = tmp.resolve("errors");
        write(dir, "index.html", "x");
        Run badToken = cli(Map.of("MIAOBU_TOKEN", "not-a-token"), "", "deploy", dir.toString());
        assertThat(badToken.exit()).isEqualTo(1);
        assertThat(badToken.err()).startsWith("miaobu: ").contains("(./miaobu login)");

        Run noServer = cli(Map.of("MIAOBU_TOKEN", user.token, "MIAOBU_API_URL", "http://127.0.0.1:1"), "", "deploy", dir.toString());
        assertThat(noServer.exit()).isEqualTo(1);
        assertThat(noServer.err()).contains("cannot reach Miaobu at http://127.0.0.1:1");

        Run notSignedIn = cli(Map.of("XDG_CONFIG_HOME", tmp.resolve("nobody").toString()), "", "deploy", dir.toString());
        assertThat(notSignedIn.exit()).isEqualTo(1);
        assertThat(notSignedIn.err()).contains("not signed in");

        assertThat(deploy("deploy", tmp.resolve("missing").toString()).exit()).isEqualTo(2);
        assertThat(deploy("deploy").err()).contains("which folder?");
        assertThat(deploy("frobnicate").exit()).isEqualTo(2);
    }

    @Test
    void a_git_build_compiles_its_rules_with_warnings_in_the_log_and_does_not_publish_them() throws Exception {
        GitRepos repo = GitRepos.create(tmp.resolve("built"))
                .write("package.json", "{\"name\":\"built\",\"private\":true,\"scripts\":{\"build\":\"node build.js\"}}")
                .write("build.js", """
                        const fs = require('fs');
                        fs.mkdirSync('dist', { recursive: true });
                        fs.writeFileSync('dist/index.html', '<h1>built</h1>');
                        fs.mkdirSync('dist/fr', { recursive: true });
                        fs.writeFileSync('dist/fr/index.html', '<h1>accueil</h1>');
                        fs.writeFileSync('dist/beta.html', '<h1>beta</h1>');
                        fs.writeFileSync('dist/_redirects', '/old /index.html 301\\n/broken\\n');
                        fs.writeFileSync('dist/_headers', '/*\\n  X-Built: yes\\n');
                        """)
                // Vercel keeps vercel.json in the repository, not in the build output.
                .write("vercel.json", """
                        {
                          "redirects": [
                            {"source": "/docs/:page", "destination": "/guide/:page", "permanent": false},
                            {"source": "/", "has": [{"type": "header", "key": "Accept-Language", "value": "(?<lang>fr)(-[A-Z]{2})?"}],
                             "missing": [{"type": "cookie", "key": "stay"}], "destination": "/:lang/", "permanent": false}
                          ],
                          "rewrites": [{"source": "/preview", "has": [{"type": "cookie", "key": "beta", "value": "on"}], "destination": "/beta.html"}],
                          "headers": [{"source": "/(.*)", "has": [{"type": "host", "value": "built\\\\.localhost"}],
                                       "headers": [{"key": "X-Served-For", "value": ":host"}]},
                                      {"source": "/(.*)", "has": [{"type": "header", "key": "x-a", "value": "(a+)+"}],
                                       "headers": [{"key": "X-Never", "value": "1"}]}]
                        }
                        """);
        repo.commit("site with rules");
        String projectId = user.ok("POST", "/api/v1/projects", "{\"name\":\"Built\",\"gitUrl\":\"" + repo.path() + "\"}").get("id").asText();
        String id = user.ok("POST", "/api/v1/projects/" + projectId + "/deployments", "{}").get("id").asText();
        assertThat(user.awaitFinal(id, Duration.ofSeconds(90)).get("status").asText()).as(user.logText(id)).isEqualTo("READY");

        assertThat(user.logText(id)).contains("Routing rules from _redirects, _headers, vercel.json: 4 redirect/rewrite rules, 2 header rules")
                .contains("Warning: _redirects:2: expected `from to [status]`")
                .contains("Warning: vercel.json:10: the `has` condition on the header `x-a`: `(a+)+` repeats a group");
        ApiClient.Answer old = user.site("built.localhost", "/old");
        assertThat(old.status()).isEqualTo(301);
        assertThat(header(old, "location")).isEqualTo("/index.html");
        ApiClient.Answer docs = user.site("built.localhost", "/docs/intro");
        assertThat(docs.status()).isEqualTo(307);
        assertThat(header(docs, "location")).isEqualTo("/guide/intro");
        assertThat(header(user.site("built.localhost", "/"), "x-built")).isEqualTo("yes");

        // vercel.json's has/missing conditions see the request's headers, cookies and host, over real HTTP.
        ApiClient.Answer french = user.site("built.localhost", "/", "Accept-Language", "fr-CA");
        assertThat(french.status()).isEqualTo(307);
        assertThat(header(french, "location")).isEqualTo("/fr/");
        assertThat(user.site("built.localhost", "/", "Accept-Language", "fr-CA", "Cookie", "stay=1").body()).isEqualTo("<h1>built</h1>");
        assertThat(user.site("built.localhost", "/", "Accept-Language", "de-DE").body()).isEqualTo("<h1>built</h1>");
        ApiClient.Answer beta = user.site("built.localhost", "/preview", "Cookie", "theme=dark; beta=on");
        assertThat(beta.body()).isEqualTo("<h1>beta</h1>");
        assertThat(user.site("built.localhost", "/preview", "Cookie", "beta=off").status()).isEqualTo(404);
        assertThat(header(beta, "x-served-for")).isEqualTo("built.localhost");
        assertThat(header(user.site("built.localhost", "/", "x-a", "aaaa"), "x-never")).isNull();
        // Not the file; and a vercel.json project answers unknown paths with a 404, as Vercel does.
        ApiClient.Answer rulesFile = user.site("built.localhost", "/_headers");
        assertThat(rulesFile.status()).isEqualTo(404);
        assertThat(rulesFile.body()).doesNotContain("X-Built");
        assertThat(tmp.resolve("data/artifacts/sites/" + projectId + "/" + id + "/_redirects")).doesNotExist();
    }

    private static String header(ApiClient.Answer answer, String name) {
        return answer.raw().headers().firstValue(name).orElse(null);
    }

    private static void assertRedirect(String path, int status, String location) throws Exception {
        ApiClient.Answer answer = user.site(SITE, path);
        assertThat(answer.status()).as(path).isEqualTo(status);
        assertThat(header(answer, "location")).as(path).isEqualTo(location);
    }

    private static void assertPage(String path, int status, String body) throws Exception {
        ApiClient.Answer answer = user.site(SITE, path);
        assertThat(answer.status()).as(path).isEqualTo(status);
        assertThat(answer.body()).as(path).isEqualTo(body);
    }
}
