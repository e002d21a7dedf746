package io.miaobu.edge.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which users' patterns the edge runs: the ones found in real vercel.json files, never the ones a request can stall. */
class SafeRegexTest {
    @ParameterizedTest
    @ValueSource(strings = {"GB", "phone|tablet", "(?<lang>en|fr|de)", ".*bot.*", "(?<lang>[a-z]{2})-(?<region>[A-Z]{2})",
            "(?!admin).*", "\\d+", "v[0-9]+\\.[0-9]+", "(?:www\\.)?example\\.com", "(?<sub>[^.]+)\\.example\\.com", "[\\w-]+",
            "Bearer .+", "1\\.0|2\\.0"})
    void patterns_found_in_real_configs_are_accepted(String regex) throws Patterns.Invalid {
        SafeRegex.check(regex);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(a+)+", "(a|ab)*", "(?:\\w+\\s?)*", "(a?){30}", "(.*,)+", ".*a.*b.*c", "\\w+\\d+\\w+x"})
    void patterns_that_backtrack_badly_on_a_crafted_request_are_refused(String regex) {
        assertThatThrownBy(() -> SafeRegex.check(regex)).isInstanceOf(Patterns.Invalid.class)
                .hasMessageContaining(regex);
    }

    @ParameterizedTest
    @ValueSource(strings = {"(x)\\1", "(?<a>x)\\k<a>", "(?i)gb", "(?>a)", "a*+", "\\p{Alpha}", "[a-z&&[^q]]", "\\Qa\\E", "\\x{41}", "a\\v"})
    void syntax_javascript_reads_differently_or_cannot_bound_is_refused(String regex) {
        assertThatThrownBy(() -> SafeRegex.check(regex)).isInstanceOf(Patterns.Invalid.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 500})
    void patterns_past_the_length_limit_are_refused(int length) {
        assertThatThrownBy(() -> SafeRegex.check("a".repeat(length))).hasMessageContaining("longer than 200 characters");
    }

    @org.junit.jupiter.api.Test
    void named_groups_are_returned_for_the_destination() throws Patterns.Invalid {
        assertThat(SafeRegex.check("(?<lang>[a-z]{2})-(?<region>[A-Z]{2})")).containsExactly("lang", "region");
    }
}
