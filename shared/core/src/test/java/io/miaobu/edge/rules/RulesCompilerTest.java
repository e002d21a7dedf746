package io.miaobu.edge.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.edge.RouteConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the shared vectors do not show: limits, logging, reading files from disk. */
class RulesCompilerTest {
    @TempDir
    Path dir;

    private static RulesSource files(Map<String, String> files) {
        return name -> Optional.ofNullable(files.get(name)).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void more_than_2000_static_redirects_keep_the_first_2000_and_warn_once_at_the_first_dropped_line() throws IOException {
        StringBuilder text = new StringBuilder("# generated\n");
        for (int i = 0; i < 2005; i++) {
            text.append("/page-").append(i).append(" /new-").append(i).append(" 301\n");
        }
        RulesCompiler.Result result = RulesCompiler.compile(files(Map.of("_redirects", text.toString())));
        assertThat(result.config().redirects()).hasSize(2000);
        assertThat(result.config().redirects().get(1999).from()).isEqualTo("/page-1999");
        assertThat(result.warnings()).singleElement().satisfies(w -> {
            assertThat(w.file()).isEqualTo("_redirects");
            assertThat(w.line()).isEqualTo(2002); // the comment is line 1
            assertThat(w.message()).contains("more than 2,000 static redirect rules", "the 4 after it are ignored");
        });
    }

    @Test
    void conditions_survive_the_route_table_so_a_stored_deployment_keeps_them() throws IOException {
        String vercel = """
                {"redirects": [{"source": "/", "destination": "/:lang/", "has": [{"type": "cookie", "key": "locale", "value": "(?<lang>fr)"}],
                                "missing": [{"type": "header", "key": "X-Bot"}]}],
                 "headers": [{"source": "/(.*)", "has": [{"type": "host", "value": "preview\\\\..*"}],
                              "headers": [{"key": "X-Robots-Tag", "value": "noindex"}]}]}
                """;
        RouteConfig config = RulesCompiler.compile(files(Map.of("vercel.json", vercel))).config();
        RouteConfig read = io.miaobu.json.Json.MAPPER.readValue(io.miaobu.json.Json.MAPPER.writeValueAsString(config), RouteConfig.class);
        assertThat(read).isEqualTo(config);
        assertThat(read.redirects().get(0).has()).containsExactly(new Condition("cookie", "locale", "(?<lang>fr)"));
        assertThat(read.redirects().get(0).missing()).containsExactly(new Condition("header", "x-bot", null));
        assertThat(read.headers().get(0).has()).containsExactly(new Condition("host", null, "preview\\..*"));
    }

    @Test
    void more_than_100_header_rules_keep_the_first_100() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            text.append("/p").append(i).append("\n  X-N: ").append(i).append('\n');
        }
        RulesCompiler.Result result = RulesCompiler.compile(files(Map.of("_headers", text.toString())));
        assertThat(result.config().headers()).hasSize(100);
        assertThat(result.warnings()).singleElement().satisfies(w -> assertThat(w.toString()).startsWith("_headers:201: more than 100 header rules"));
    }

    @Test
    void the_build_log_gets_a_summary_and_every_warning_with_file_and_line() throws IOException {
        List<String> log = new ArrayList<>();
        RulesCompiler.compile(files(Map.of("_redirects", "/a /b\n/c\n", "_headers", "/*\n  X-A: 1\n")),
                (stream, text) -> log.add(stream + ": " + text));
        assertThat(log).containsExactly(
                "system: Routing rules from _redirects, _headers: 1 redirect/rewrite rules, 1 header rules",
                "system: Warning: _redirects:2: expected `from to [status]`, like `/old /new 301`; this rule is ignored.");
    }

    @Test
    void a_site_without_rules_files_gets_the_defaults_and_a_silent_log() throws IOException {
        List<String> log = new ArrayList<>();
        RulesCompiler.Result result = RulesCompiler.compile(files(Map.of()), (stream, text) -> log.add(text));
        assertThat(result.config()).isEqualTo(RouteConfig.DEFAULTS);
        assertThat(result.files()).isEmpty();
        assertThat(log).isEmpty();
    }

    @Test
    void a_rules_file_over_one_megabyte_is_ignored_with_a_warning() throws IOException {
        Files.write(dir.resolve("_redirects"), new byte[RulesSource.MAX_BYTES + 10]);
        RulesCompiler.Result result = RulesCompiler.compile(RulesSource.directory(dir));
        assertThat(result.config().redirects()).isEmpty();
        assertThat(result.warnings()).singleElement().satisfies(w -> assertThat(w.toString()).isEqualTo("_redirects: larger than 1 MiB; it is ignored."));
    }

    @Test
    void rules_files_are_read_from_a_directory_but_a_symbolic_link_is_never_followed() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "/leak /x 301\n");
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.createSymbolicLink(site.resolve("_redirects"), secret);
        Files.writeString(site.resolve("_headers"), "/*\n  X-A: 1\n");
        RulesCompiler.Result result = RulesCompiler.compile(RulesSource.directory(site));
        assertThat(result.files()).containsExactly("_headers");
        assertThat(result.config().redirects()).isEmpty();
        assertThat(result.config().headers()).hasSize(1);
    }

    @Test
    void invalid_utf8_is_read_with_replacement_characters_instead_of_failing() throws IOException {
        byte[] bytes = "/caf\u00e9 /coffee 301\n".getBytes(StandardCharsets.ISO_8859_1);
        RulesCompiler.Result result = RulesCompiler.compile(name -> name.equals("_redirects") ? Optional.of(bytes) : Optional.empty());
        assertThat(result.config().redirects()).singleElement().satisfies(r -> assertThat(r.from()).isEqualTo("/caf\ufffd"));
    }

    @Test
    void only_the_four_rules_files_at_the_top_of_the_deployment_are_rules_files() {
        assertThat(RulesCompiler.isRulesFile("_redirects")).isTrue();
        assertThat(RulesCompiler.isRulesFile("vercel.json")).isTrue();
        assertThat(RulesCompiler.isRulesFile("docs/_redirects")).isFalse();
        assertThat(RulesCompiler.isRulesFile("package.json")).isFalse();
    }
}
