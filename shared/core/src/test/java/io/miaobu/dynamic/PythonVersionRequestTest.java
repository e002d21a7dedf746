package io.miaobu.dynamic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which Python a project's .python-version, runtime.txt or requires-python lets Function Compute's 3.10 run it on. */
class PythonVersionRequestTest {
    @ParameterizedTest(name = "{0} on 3.10: {1}")
    @CsvSource(delimiter = '|', value = {
            "3.10|true", "3.10.4|true", "3|true", "3.10.*|true", "3.11|false", "3.12.1|false", "2.7|false",
            ">=3.9|true", ">=3.11|false", ">=3.8,<3.11|true", ">=3.8,<3.10|false", "<3.10.5|true", ">3.10|false",
            ">3.10.2|true", "==3.10.*|true", "==3.11.*|false", "!=3.10.*|false", "!=3.9|true", "~=3.9|true",
            "~=3.11|false", "~=3.10.2|true", "~=3.9.1|false", "^3.10|true", "^3.11|false", "~3.10|true", "~3.9|false",
            "pypy3.10|true", ">= 3.9, < 4|true"})
    void a_request_is_met_by_the_minor_version_it_includes(String requested, boolean met) {
        assertThat(PythonVersionRequest.metBy(requested, "3.10")).isEqualTo(met);
    }
}
