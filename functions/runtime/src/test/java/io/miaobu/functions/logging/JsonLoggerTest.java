package io.miaobu.functions.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonLoggerTest {
    @Test
    void any_text_becomes_one_json_string_on_one_line() throws Exception {
        String text = "quote \" backslash \\ newline \n tab \t bell \u0007 line separator \u2028 猫";
        StringBuilder out = new StringBuilder();
        JsonLogger.string(out, text);

        assertThat(out.toString()).doesNotContain("\n").doesNotContain("\u2028");
        assertThat(new ObjectMapper().readValue(out.toString(), String.class)).isEqualTo(text);
    }

    @Test
    void a_missing_value_is_json_null() {
        StringBuilder out = new StringBuilder();
        JsonLogger.string(out, null);
        assertThat(out).hasToString("null");
    }
}
