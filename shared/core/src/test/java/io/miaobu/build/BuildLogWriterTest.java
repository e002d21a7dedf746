package io.miaobu.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.LogLine;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildLogWriterTest {
    /** Keeps appended lines in memory, as the PostgreSQL store keeps them in a table. */
    private static final class Lines implements BuildLogStore {
        final List<LogLine> lines = new ArrayList<>();

        @Override
        public synchronized void append(String deploymentId, List<LogLine> batch) {
            lines.addAll(batch);
        }

        @Override
        public synchronized List<LogLine> after(String deploymentId, long after, int limit) {
            return lines.stream().filter(l -> l.n() > after).limit(limit).toList();
        }

        Long ended;

        @Override
        public synchronized void end(String deploymentId, long lastLine, Instant at) {
            ended = lastLine;
        }

        @Override
        public synchronized OptionalLong lastLine(String deploymentId) {
            return ended == null ? OptionalLong.empty() : OptionalLong.of(ended);
        }
    }

    @Test
    void output_past_the_size_cap_is_dropped_with_one_notice_and_miaobus_own_lines_still_arrive() {
        Lines store = new Lines();
        try (BuildLogWriter log = new BuildLogWriter("d1", store, Clock.systemUTC(), 1000)) {
            for (int i = 0; i < 100; i++) {
                log.line("stdout", "x".repeat(99));
            }
            log.system("Deployment ready");
        }

        List<String> texts = store.lines.stream().map(LogLine::text).toList();
        assertThat(texts.stream().filter(t -> t.startsWith("xxx"))).hasSize(10);
        assertThat(texts.stream().filter(t -> t.startsWith("Log truncated"))).hasSize(1);
        assertThat(texts.get(texts.size() - 1)).isEqualTo("Deployment ready");
        assertThat(store.lines.stream().mapToLong(LogLine::n)).isSorted();
        assertThat(store.ended).as("closing the writer ends the log at its last line").isEqualTo(store.lines.size());
    }
}
