package io.miaobu.testkit;

import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every BuildLogStore does: PostgreSQL's and the in-memory one the core's unit tests use. A
 * reader pages forward by line number (the cursor of {@code /logs?after=} and the live stream), a
 * batch retried after a lost acknowledgement neither fails nor duplicates a line, and the end mark
 * only ever moves forward.
 */
public abstract class BuildLogStoreContract {
    protected abstract BuildLogStore logs();

    /** The id of a new deployment lines may belong to (a real row where the store needs one). */
    protected abstract String newDeploymentId();

    private String deploymentId;

    @BeforeEach
    void newDeployment() {
        deploymentId = newDeploymentId();
    }

    private static List<LogLine> lines(long from, long to) {
        Instant t = now();
        List<LogLine> out = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            out.add(new LogLine(n, t.plusMillis(n), n % 3 == 0 ? "stderr" : "stdout", "line " + n));
        }
        return out;
    }

    @Test
    void lines_page_forward_from_a_cursor_in_order() {
        List<LogLine> all = lines(1, 25);
        logs().append(deploymentId, all.subList(0, 10));
        logs().append(deploymentId, all.subList(10, 25));

        List<LogLine> first = logs().after(deploymentId, 0, 10);
        assertThat(first).containsExactlyElementsOf(all.subList(0, 10));
        List<LogLine> second = logs().after(deploymentId, first.get(first.size() - 1).n(), 10);
        assertThat(second).containsExactlyElementsOf(all.subList(10, 20));
        assertThat(logs().after(deploymentId, 20, 10)).containsExactlyElementsOf(all.subList(20, 25));
        assertThat(logs().after(deploymentId, 25, 10)).isEmpty();
    }

    @Test
    void lines_appended_out_of_order_read_back_by_number() {
        List<LogLine> all = lines(1, 6);
        logs().append(deploymentId, List.of(all.get(3), all.get(4), all.get(5)));
        logs().append(deploymentId, List.of(all.get(2), all.get(0), all.get(1)));

        assertThat(logs().after(deploymentId, 0, 100)).containsExactlyElementsOf(all);
        assertThat(logs().after(deploymentId, 2, 2)).containsExactly(all.get(2), all.get(3));
    }

    @Test
    void logs_of_other_deployments_are_not_mixed_in() {
        String other = newDeploymentId();
        logs().append(deploymentId, lines(1, 3));
        logs().append(other, lines(1, 5));

        assertThat(logs().after(deploymentId, 0, 100)).hasSize(3);
        assertThat(logs().after(other, 0, 100)).hasSize(5);
        assertThat(logs().after(newDeploymentId(), 0, 100)).isEmpty();
        assertThat(logs().after("dpl_missing", 0, 100)).isEmpty();
    }

    @Test
    void appending_a_line_number_twice_keeps_the_first_and_empty_appends_are_fine() {
        List<LogLine> batch = lines(1, 3);
        logs().append(deploymentId, batch);
        logs().append(deploymentId, List.of(new LogLine(2, now(), "stdout", "retry")));
        logs().append(deploymentId, List.of());

        assertThat(logs().after(deploymentId, 0, 100)).containsExactlyElementsOf(batch);
    }

    @Test
    void a_limit_of_zero_or_less_reads_nothing() {
        logs().append(deploymentId, lines(1, 3));
        assertThat(logs().after(deploymentId, 0, 0)).isEmpty();
        assertThat(logs().after(deploymentId, 0, -1)).isEmpty();
    }

    @Test
    void text_and_times_are_kept_verbatim() {
        LogLine odd = new LogLine(1, now(), "system", "  tabs\tand unicode ✓ and 'quotes' and \\ \u001b[32mansi");
        LogLine empty = new LogLine(2, now(), "stdout", "");
        logs().append(deploymentId, List.of(odd, empty));
        assertThat(logs().after(deploymentId, 0, 10)).containsExactly(odd, empty);
    }

    @Test
    void a_log_has_no_last_line_until_its_writer_ends_it() {
        logs().append(deploymentId, lines(1, 4));
        assertThat(logs().lastLine(deploymentId)).isEmpty();

        logs().end(deploymentId, 4, now());
        assertThat(logs().lastLine(deploymentId)).hasValue(4);
        assertThat(logs().lastLine(newDeploymentId())).isEmpty();
    }

    @Test
    void a_log_without_lines_ends_at_zero() {
        logs().end(deploymentId, 0, now());
        assertThat(logs().lastLine(deploymentId)).hasValue(0);
    }

    /** A late or repeated end (a retried builder, a cancel after the last line) never hides lines already written. */
    @Test
    void ending_again_never_moves_the_last_line_back() {
        logs().end(deploymentId, 7, now());
        logs().end(deploymentId, 3, now());
        assertThat(logs().lastLine(deploymentId)).hasValue(7);

        logs().end(deploymentId, 9, now());
        assertThat(logs().lastLine(deploymentId)).hasValue(9);
    }
}
