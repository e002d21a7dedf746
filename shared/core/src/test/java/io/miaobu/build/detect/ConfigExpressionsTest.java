package io.miaobu.build.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a config's setting evaluates to without running the config, and what cannot be known. */
class ConfigExpressionsTest {
    private static ConfigExpressions.Result value(String expression) {
        String text = "export default { outDir: " + expression + " }\n";
        return ConfigExpressions.evaluate(text, text.indexOf(':') + 1);
    }

    @Test
    void literals_concatenation_and_path_calls_are_evaluated() {
        assertThat(value("'build'").value()).isEqualTo("build");
        assertThat(value("\"out\" + '/' + `site`").value()).isEqualTo("out/site");
        assertThat(value("path.join(__dirname, 'docs', \"dist\")").value()).isEqualTo("docs/dist");
        assertThat(value("resolve(process.cwd(), './www')").value()).isEqualTo("www");
        assertThat(value("('public')").value()).isEqualTo("public");
    }

    @Test
    void an_environment_variable_with_a_literal_fallback_gives_the_fallback_and_names_the_variable() {
        ConfigExpressions.Result r = value("process.env.OUT || process.env.BUILD_DIR || 'build'");
        assertThat(r.value()).isEqualTo("build");
        assertThat(r.assumed()).containsExactly("process.env.OUT", "process.env.BUILD_DIR");
        assertThat(r.source()).isEqualTo("process.env.OUT || process.env.BUILD_DIR || 'build'");
        assertThat(value("'dist' || 'other'").assumed()).isEmpty();
    }

    @Test
    void what_only_running_the_config_could_tell_is_unknown_with_its_source() {
        for (String expression : List.of("process.env.OUT", "`dist-${mode}`", "'dist-' + mode", "outFolder()", "path.join(base, 'x')",
                "mode === 'x' ? 'a' : 'b'", "'unterminated")) {
            ConfigExpressions.Result r = value(expression);
            assertThat(r.known()).as(expression).isFalse();
        }
        assertThat(value("outFolder()").source()).isEqualTo("outFolder()");
    }

    @Test
    void hostile_nesting_is_not_evaluated_and_does_not_overflow_the_stack() {
        String deep = "(".repeat(100_000) + "'x'" + ")".repeat(100_000);
        assertThat(value(deep).known()).isFalse();
        String calls = "path.join(".repeat(50_000) + "'x'" + ")".repeat(50_000);
        assertThat(value(calls).known()).isFalse();
    }
}
