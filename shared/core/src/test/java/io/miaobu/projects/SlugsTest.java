package io.miaobu.projects;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlugsTest {
    private static final String DNS_LABEL = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";

    @Test
    void a_plain_name_is_lowercased_and_spaces_become_dashes() {
        assertThat(Slugs.fromName("My Blog")).isEqualTo("my-blog");
    }

    @Test
    void accents_are_folded_to_ascii() {
        assertThat(Slugs.fromName("Café Crème")).isEqualTo("cafe-creme");
        assertThat(Slugs.fromName("Ünïcödé Façade")).isEqualTo("unicode-facade");
    }

    @Test
    void punctuation_becomes_a_single_dash_and_is_trimmed_at_the_ends() {
        assertThat(Slugs.fromName("  Hello, World!!! (v2.0)  ")).isEqualTo("hello-world-v2-0");
        assertThat(Slugs.fromName("--already--dashed--")).isEqualTo("already-dashed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a -- b", "x__y..z", "foo - - bar", "Ça -- va ?", "a\u0301-\u0301b", "100% — pure"})
    void a_slug_never_contains_a_double_dash(String name) {
        String slug = Slugs.fromName(name);
        assertThat(slug).doesNotContain("--").matches(DNS_LABEL);
    }

    @Test
    void names_without_any_latin_letter_or_digit_become_site() {
        assertThat(Slugs.fromName("")).isEqualTo("site");
        assertThat(Slugs.fromName("!!!")).isEqualTo("site");
        assertThat(Slugs.fromName("喵步")).isEqualTo("site");
    }

    @Test
    void a_long_name_is_cut_to_40_characters_without_a_trailing_dash() {
        String slug = Slugs.fromName("a".repeat(39) + " " + "b".repeat(30));
        assertThat(slug).hasSizeLessThanOrEqualTo(40).isEqualTo("a".repeat(39)).matches(DNS_LABEL);
        assertThat(Slugs.fromName("x".repeat(100))).isEqualTo("x".repeat(40));
    }

    @Test
    void the_suffix_is_appended_with_a_dash() {
        assertThat(Slugs.withSuffix("blog", 2)).isEqualTo("blog-2");
        assertThat(Slugs.withSuffix("blog", 17)).isEqualTo("blog-17");
    }

    @Test
    void a_suffix_on_a_maximal_slug_still_fits_in_40_characters() {
        String slug = "a".repeat(40);
        assertThat(Slugs.withSuffix(slug, 2)).isEqualTo("a".repeat(38) + "-2").hasSize(40);
        assertThat(Slugs.withSuffix(slug, 50)).hasSize(40).endsWith("-50");
    }

    @Test
    void cutting_for_a_suffix_never_leaves_a_double_dash() {
        String slug = "a".repeat(37) + "-bc"; // 40 chars; cutting to 38 ends in a dash
        String withSuffix = Slugs.withSuffix(slug, 2);
        assertThat(withSuffix).doesNotContain("--").matches(DNS_LABEL).hasSizeLessThanOrEqualTo(40)
                .isEqualTo("a".repeat(37) + "-2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"www", "API", "Admin", "app", "dashboard", "localhost"})
    void the_platforms_own_host_names_are_reserved(String name) {
        assertThat(Slugs.isReserved(Slugs.fromName(name))).isTrue();
    }

    @Test
    void names_that_merely_contain_a_reserved_word_are_not_reserved() {
        assertThat(Slugs.isReserved(Slugs.fromName("My App"))).isFalse();
        assertThat(Slugs.isReserved(Slugs.fromName("www2"))).isFalse();
    }
}
