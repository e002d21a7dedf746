package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.LogLine;
import io.miaobu.testkit.TestPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostgresBuildLogStoreTest {
    static PostgresDatabase db;
    Deployment deployment;

    @BeforeAll
    static void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase(), null, null);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void newDeployment() {
        deployment = Fixtures.deployment(db, Fixtures.project(db, Fixtures.user(db).id()).id());
    }

    private static List<LogLine> lines(long from, long to) {
        Instant t = Fixtures.now();
        List<LogLine> out = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            out.add(new LogLine(n, t.plusMillis(n), n % 3 == 0 ? "stderr" : "stdout", "line " + n));
        }
        return out;
    }

    @Test
    void lines_page_forward_from_a_cursor_in_order() {
        List<LogLine> all = lines(1, 25);
        db.logs().append(deployment.id(), all.subList(0, 10));
        db.logs().append(deployment.id(), all.subList(10, 25));

        List<LogLine> first = db.logs().after(deployment.id(), 0, 10);
        assertThat(first).containsExactlyElementsOf(all.subList(0, 10));
        List<LogLine> second = db.logs().after(deployment.id(), first.get(first.size() - 1).n(), 10);
        assertThat(second).containsExactlyElementsOf(all.subList(10, 20));
        List<LogLine> third = db.logs().after(deployment.id(), 20, 10);
        assertThat(third).containsExactlyElementsOf(all.subList(20, 25));
        assertThat(db.logs().after(deployment.id(), 25, 10)).isEmpty();
    }

    @Test
    void logs_of_other_deployments_are_not_mixed_in() {
        Deployment other = Fixtures.deployment(db, deployment.projectId());
        db.logs().append(deployment.id(), lines(1, 3));
        db.logs().append(other.id(), lines(1, 5));

        assertThat(db.logs().after(deployment.id(), 0, 100)).hasSize(3);
        assertThat(db.logs().after(other.id(), 0, 100)).hasSize(5);
        assertThat(db.logs().after("dpl_missing", 0, 100)).isEmpty();
    }

    @Test
    void appending_a_line_number_twice_keeps_the_first_and_empty_appends_are_fine() {
        List<LogLine> batch = lines(1, 3);
        db.logs().append(deployment.id(), batch);
        db.logs().append(deployment.id(), List.of(new LogLine(2, Fixtures.now(), "stdout", "retry")));
        db.logs().append(deployment.id(), List.of());

        assertThat(db.logs().after(deployment.id(), 0, 100)).containsExactlyElementsOf(batch);
        assertThat(db.logs().after(deployment.id(), 0, 0)).isEmpty();
    }

    @Test
    void text_is_kept_verbatim() {
        LogLine odd = new LogLine(1, Fixtures.now(), "system", "  tabs\tand unicode ✓ and 'quotes' and \\ \u001b[32mansi");
        LogLine empty = new LogLine(2, Fixtures.now(), "stdout", "");
        db.logs().append(deployment.id(), List.of(odd, empty));
        assertThat(db.logs().after(deployment.id(), 0, 10)).containsExactly(odd, empty);
    }
}
