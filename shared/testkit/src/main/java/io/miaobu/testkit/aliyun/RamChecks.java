package io.miaobu.testkit.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.aliyun.RamActions;
import java.util.Collection;
import java.util.List;

/** Holds an adapter to its declared RAM actions: every operation its fake received must be declared. */
public final class RamChecks {
    private RamChecks() {}

    /** @param sent the operations (API action names) the adapter's fake received while it worked */
    public static void assertDeclared(RamActions ram, Collection<String> sent) {
        List<String> distinct = sent.stream().distinct().toList();
        assertThat(distinct).as("operations %s sent to its fake", ram.adapter()).isNotEmpty();
        for (String operation : distinct) {
            assertThat(ram.of(operation)).as("%s sends %s but its RAM_ACTIONS do not declare it", ram.adapter(), operation).isPresent();
        }
    }
}
