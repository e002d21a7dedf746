package io.miaobu.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    @Test
    void project_variable_values_printed_by_a_build_are_masked_and_short_values_are_left_alone() {
        List<String> lines = new ArrayList<>();
        SecretMasker masker = new SecretMasker((stream, text) -> lines.add(text),
                List.of("tok_very_secret", "tok_very_secret_longer", "1", "true"));

        masker.line("stdout", "token=tok_very_secret_longer and tok_very_secret; debug=1 verbose=true");

        assertThat(lines).containsExactly("token=*** and ***; debug=1 verbose=true");
    }
}
