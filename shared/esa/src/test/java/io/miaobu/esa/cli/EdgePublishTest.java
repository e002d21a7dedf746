package io.miaobu.esa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.ConfigException;
import io.miaobu.config.EdgeSettings;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.esa.EdgeBundle;
import io.miaobu.esa.EsaAdapters;
import io.miaobu.testkit.aliyun.FakeEsa;
import io.miaobu.testkit.aliyun.FakeOss;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./miaobu edge publish} against FakeEsa, and then the published routine itself, run by
 * Node with an EdgeKV backed by FakeEsa's KV and a local origin: a route entry written by the
 * Java RouteTable is what the real edge routine reads and serves.
 */
class EdgePublishTest {
    static final AliyunCredentials OPERATOR = new AliyunCredentials("LTAI-operator", "operator-secret", Optional.empty());
    static final AliyunCredentials FUNCTION = new AliyunCredentials("STS.fn", "fn-secret", Optional.of("fn-token"));
    static final String NAMESPACE = "miaobu_routes";

    final FakeEsa esa = new FakeEsa(OPERATOR, "42").createNamespace(NAMESPACE);
    /** The edge's read-only key: a RAM user allowed oss:GetObject on sites/* (no STS token: it is baked into the routine). */
    static final AliyunCredentials EDGE_READER = new AliyunCredentials("LTAI-edge-reader", "reader-secret", Optional.empty());
    final FakeOss oss = startOss();

    @TempDir
    Path temp;

    EdgePublishTest() {
        esa.accept(FUNCTION);
    }

    @AfterEach
    void stop() {
        esa.close();
        oss.close();
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("MIAOBU_ESA_KV_NAMESPACE", NAMESPACE);
        env.put("MIAOBU_ESA_ENDPOINT", esa.endpoint());
        env.put("MIAOBU_ESA_ROUTINE", "miaobu-edge");
        env.put("MIAOBU_ALIYUN_ACCESS_KEY_ID", OPERATOR.accessKeyId());
        env.put("MIAOBU_ALIYUN_ACCESS_KEY_SECRET", OPERATOR.accessKeySecret());
        env.put("MIAOBU_EDGE_OSS_ACCESS_KEY_ID", EDGE_READER.accessKeyId());
        env.put("MIAOBU_EDGE_OSS_ACCESS_KEY_SECRET", EDGE_READER.accessKeySecret());
        env.put("MIAOBU_ALIYUN_REGION", oss.region());
        env.put("MIAOBU_OSS_BUCKET", oss.bucket());
        return env;
    }

    /** The private bucket, path style (http://127.0.0.1:port/bucket): it refuses anonymous reads and checks V4 signatures. */
    static FakeOss startOss() {
        try {
            return FakeOss.start("miaobu-sites", "cn-hangzhou", EDGE_READER)
                    .seed("sites/p1/d1/index.html", "<h1>home of d1</h1>")
                    .seed("sites/p1/d1/about.html", "<h1>about d1</h1>");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String originUrl() {
        return oss.endpoint() + "/" + oss.bucket();
    }

    @Test
    void the_published_routine_serves_the_route_entry_the_java_route_table_wrote() throws Exception {
        String[] args = {"--edge-dir", edgeSrc().toString(), "--origin", originUrl()};
        assertThat(EdgePublish.run(args, env())).isZero();
        assertThat(esa.codeVersions("miaobu-edge")).isEqualTo(1);
        String code = esa.publishedCode("miaobu-edge", "production").orElseThrow();
        assertThat(esa.publishedCode("miaobu-edge", "staging")).contains(code);
        assertThat(code).contains("namespace: '" + NAMESPACE + "'").contains(originUrl()).doesNotContain("__MIAOBU_");
        assertThat(code.lines().filter(l -> l.startsWith("import ") || l.startsWith("export "))).containsExactly("export default {");

        var routes = EsaAdapters.from(EdgeSettings.fromEnv(n -> Optional.ofNullable(env().get(n))), () -> FUNCTION).routeTable().orElseThrow();
        routes.putManifest("d1", List.of("index.html", "about.html"));
        routes.put("shop.miaobu.app", new RouteEntry("d1", "sites/p1/d1/", RouteConfig.DEFAULTS, Instant.now()));

        JsonNode results = runRoutine(code, List.of("http://shop.miaobu.app/", "http://shop.miaobu.app/about", "http://nobody.miaobu.app/",
                "http://shop.miaobu.app/missing"));
        assertThat(results.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(results.get(0).path("body").asText()).isEqualTo("<h1>home of d1</h1>");
        assertThat(results.get(0).path("deployment").asText()).isEqualTo("d1");
        assertThat(results.get(1).path("status").asInt()).isEqualTo(200);
        assertThat(results.get(1).path("body").asText()).isEqualTo("<h1>about d1</h1>");
        assertThat(results.get(2).path("status").asInt()).isEqualTo(404);
        assertThat(results.get(3).path("status").asInt()).as("a SPA fallback, decided from the manifest").isEqualTo(200);
        // Every read was signed (V4) with the reader key, and the routine asked only for the files it served.
        assertThat(oss.rejected()).isEmpty();
        assertThat(oss.calls()).extracting(FakeOss.Call::key)
                .containsExactly("sites/p1/d1/index.html", "sites/p1/d1/about.html", "sites/p1/d1/index.html");
        assertThat(code).contains("'LTAI-edge-reader'").contains("'cn-hangzhou'").contains("'miaobu-sites'");

        // A second publish is a new version, live in both environments.
        assertThat(EdgePublish.run(new String[] {"--edge-dir", edgeSrc().toString(), "--origin", originUrl(), "--staging-only"}, env())).isZero();
        assertThat(esa.codeVersions("miaobu-edge")).isEqualTo(2);
        assertThat(esa.calls("PublishRoutineCodeVersion")).hasSize(3);
        assertThat(esa.calls("CreateRoutine")).hasSize(1);
    }

    @Test
    void without_the_operator_key_nothing_is_published_and_the_message_names_it() {
        Map<String, String> env = env();
        env.remove("MIAOBU_ALIYUN_ACCESS_KEY_SECRET");
        assertThatThrownBy(() -> EdgePublish.run(new String[] {"--edge-dir", edgeSrc().toString(), "--origin", originUrl()}, env))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_ALIYUN_ACCESS_KEY_SECRET");
        assertThat(esa.calls()).isEmpty();
    }

    @Test
    void without_the_edge_read_key_nothing_is_published_and_the_message_says_why() {
        Map<String, String> env = env();
        env.remove("MIAOBU_EDGE_OSS_ACCESS_KEY_SECRET");
        assertThatThrownBy(() -> EdgePublish.run(new String[] {"--edge-dir", edgeSrc().toString(), "--origin", originUrl()}, env))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MIAOBU_EDGE_OSS_ACCESS_KEY_SECRET").hasMessageContaining("oss:GetObject");
        assertThat(esa.calls()).isEmpty();
    }

    @Test
    void a_wrong_edge_read_key_is_a_502_that_says_storage_refused_it_never_a_404() throws Exception {
        Map<String, String> env = env();
        env.put("MIAOBU_EDGE_OSS_ACCESS_KEY_SECRET", "not-the-secret");
        assertThat(EdgePublish.run(new String[] {"--edge-dir", edgeSrc().toString(), "--origin", originUrl()}, env)).isZero();
        var routes = EsaAdapters.from(EdgeSettings.fromEnv(n -> Optional.ofNullable(env().get(n))), () -> FUNCTION).routeTable().orElseThrow();
        routes.putManifest("d1", List.of("index.html", "about.html"));
        routes.put("shop.miaobu.app", new RouteEntry("d1", "sites/p1/d1/", RouteConfig.DEFAULTS, Instant.now()));
        JsonNode results = runRoutine(esa.publishedCode("miaobu-edge", "production").orElseThrow(), List.of("http://shop.miaobu.app/about"));
        assertThat(results.get(0).path("status").asInt()).isEqualTo(502);
        assertThat(results.get(0).path("body").asText()).contains("storage refused the edge routine");
        assertThat(oss.rejected()).singleElement().asString().contains("SignatureDoesNotMatch");
    }

    @Test
    void the_origin_comes_from_the_bucket_settings_when_not_given() throws Exception {
        Map<String, String> env = env();
        env.put("MIAOBU_OSS_ENDPOINT", "oss-cn-hangzhou.aliyuncs.com");
        Path out = temp.resolve("routine.js");
        assertThat(EdgePublish.run(new String[] {"--edge-dir", edgeSrc().toString(), "--out", out.toString()}, env)).isZero();
        assertThat(Files.readString(out)).contains("https://miaobu-sites.oss-cn-hangzhou.aliyuncs.com");
        assertThat(esa.calls()).isEmpty();
    }

    @Test
    void an_internal_oss_endpoint_is_refused_as_the_origin_because_the_routine_runs_outside_the_vpc() {
        Map<String, String> env = env();
        env.put("MIAOBU_OSS_BUCKET", "miaobu-sites");
        env.put("MIAOBU_OSS_ENDPOINT", "oss-cn-hangzhou-internal.aliyuncs.com"); // what the functions use
        String[] fromSettings = {"--edge-dir", edgeSrc().toString(), "--out", temp.resolve("routine.js").toString()};
        assertThatThrownBy(() -> EdgePublish.run(fromSettings, env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("internal OSS endpoint")
                .hasMessageContaining("--origin https://miaobu-sites.oss-cn-hangzhou.aliyuncs.com");
        String[] given = {"--edge-dir", edgeSrc().toString(), "--origin", "https://miaobu-sites.oss-cn-hangzhou-internal.aliyuncs.com"};
        assertThatThrownBy(() -> EdgePublish.run(given, env())).hasMessageContaining("outside it");
        assertThat(Files.exists(temp.resolve("routine.js"))).isFalse();
        assertThat(esa.calls()).isEmpty();
    }

    @Test
    void an_edge_module_the_routine_cannot_load_is_refused_with_its_name() throws Exception {
        Files.writeString(temp.resolve("esa.js"), "import { x } from './helper.js';\nexport default { fetch() { return x; } };\n");
        Files.writeString(temp.resolve("helper.js"), "import fs from 'node:fs';\nexport const x = 1;\n");
        assertThatThrownBy(() -> EdgeBundle.bundle(temp, "esa.js", Map.of()))
                .hasMessageContaining("helper.js").hasMessageContaining("import");
        Files.writeString(temp.resolve("helper.js"), "export const y = 1;\n");
        assertThatThrownBy(() -> EdgeBundle.bundle(temp, "esa.js", Map.of()))
                .hasMessageContaining("imports x from helper.js, which does not export it");
    }

    /** Runs the routine in Node: EdgeKV reads FakeEsa's KV over HTTP, fetch reaches the local origin. */
    JsonNode runRoutine(String code, List<String> urls) throws Exception {
        Files.writeString(temp.resolve("routine.mjs"), code);
        Files.writeString(temp.resolve("run.mjs"), """
                const kvBase = process.argv[2];
                globalThis.EdgeKV = class {
                  constructor({ namespace }) { this.namespace = namespace; }
                  async get(key, { type } = {}) {
                    if (type !== 'text') throw new Error('the shim only answers text, asked ' + type);
                    const res = await fetch(`${kvBase}/kv/${encodeURIComponent(this.namespace)}/${encodeURIComponent(key)}`);
                    if (res.status === 404) return undefined;
                    if (!res.ok) throw new Error('kv answered ' + res.status);
                    return res.text();
                  }
                };
                const routine = (await import('./routine.mjs')).default;
                const out = [];
                for (const url of process.argv.slice(3)) {
                  const res = await routine.fetch(new Request(url));
                  out.push({ status: res.status, deployment: res.headers.get('x-miaobu-deployment'), body: await res.text() });
                }
                console.log(JSON.stringify(out));
                """);
        List<String> command = new java.util.ArrayList<>(List.of("node", temp.resolve("run.mjs").toString(), esa.endpoint()));
        command.addAll(urls);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElse("[]"));
    }

    static Path edgeSrc() {
        String configured = System.getProperty("miaobu.repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("../..").toAbsolutePath().normalize();
        return root.resolve("edge/src");
    }
}
