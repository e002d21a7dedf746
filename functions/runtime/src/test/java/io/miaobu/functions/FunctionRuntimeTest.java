package io.miaobu.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionRuntimeTest {
    @Test
    void listens_on_the_port_fc_names_in_its_own_variable() {
        assertThat(FunctionRuntime.listenPort(Map.of("FC_CUSTOM_LISTEN_PORT", "8080"))).isEqualTo(8080);
    }

    @Test
    void listens_on_9000_without_it_and_ignores_variables_fc_would_refuse_to_set() {
        assertThat(FunctionRuntime.listenPort(Map.of())).isEqualTo(9000);
        // FC_* is FC's reserved prefix: a function cannot be configured with FC_SERVER_PORT, so it means nothing.
        assertThat(FunctionRuntime.listenPort(Map.of("FC_SERVER_PORT", "8080"))).isEqualTo(9000);
    }

    @Test
    void a_port_that_is_not_a_number_is_a_configuration_error_naming_the_variable() {
        assertThatThrownBy(() -> FunctionRuntime.listenPort(Map.of("FC_CUSTOM_LISTEN_PORT", "nine")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("FC_CUSTOM_LISTEN_PORT");
    }
}
