package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.build.BuildLogWriter;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.LogStream;
import io.miaobu.testkit.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live build log (server-sent events) as a browser follows it, on PostgreSQL. */
class LiveLogStreamTest {
    private static final Pattern LINE_TEXT = Pattern.compile("\"text\":\"([^\"]*)\"");

    PostgresDatabase db;
    String projectId;

    @BeforeEach
    void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase());
        projectId = Fixtures.project(db, Fixtures.user(db).id()).id();
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** Lines written after READY ("Promoted to production.") used to be cut off by `end` in about a third of runs. */
    @Test
    void the_stream_sends_every_line_before_end_even_those_written_after_the_status_is_final() throws Exception {
        LogStream stream = new LogStream(db.logs(), db.deployments(), Duration.ofSeconds(30), Duration.ofMillis(2), Clock.systemUTC());
        for (int run = 0; run < 100; run++) {
            Deployment d = Fixtures.deployment(db, projectId);
            db.deployments().transition(d.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.BUILDING, Fixtures.now());
            db.deployments().transition(d.id(), EnumSet.of(DeploymentStatus.BUILDING), DeploymentStatus.UPLOADING, Fixtures.now());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try {
                    stream.stream(d.id(), 0, out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (BuildLogWriter log = new BuildLogWriter(d.id(), db.logs(), Clock.systemUTC())) {
                log.system("Uploading 3 files");
                log.flush();
                db.deployments().finish(d.id(), EnumSet.of(DeploymentStatus.UPLOADING), DeploymentStatus.READY, null,
                        DeploymentStats.EMPTY, Fixtures.now());
                Thread.sleep(run % 5); // the reader sees READY before, with or after the last lines
                log.system("Deployment ready.");
                log.system("Promoted to production.");
                log.system("Build cache saved.");
            }
            reader.get();
            String events = out.toString(StandardCharsets.UTF_8);
            assertThat(texts(events)).as("run %d", run)
                    .containsExactly("Uploading 3 files", "Deployment ready.", "Promoted to production.", "Build cache saved.");
            assertThat(events).as("run %d", run).endsWith("event: end\ndata: {\"status\":\"READY\"}\n\n");
        }
    }

    @Test
    void a_log_whose_writer_died_without_ending_it_still_ends_once_the_grace_has_passed() throws Exception {
        Deployment d = Fixtures.deployment(db, projectId);
        db.deployments().transition(d.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.BUILDING, Fixtures.now());
        db.deployments().finish(d.id(), EnumSet.of(DeploymentStatus.BUILDING), DeploymentStatus.FAILED, "Builder lost.",
                DeploymentStats.EMPTY, Fixtures.now());
        Clock later = Clock.fixed(Fixtures.now().plus(LogStream.WRITER_GRACE).plusSeconds(1), ZoneOffset.UTC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LogStream(db.logs(), db.deployments(), Duration.ofSeconds(30), Duration.ofMillis(2), later).stream(d.id(), 0, out);
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("event: end\ndata: {\"status\":\"FAILED\"}\n\n");
    }

    @Test
    void a_build_canceled_before_it_started_ends_at_once() throws Exception {
        Deployment d = Fixtures.deployment(db, projectId);
        db.deployments().transition(d.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.CANCELED, Fixtures.now());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long start = System.nanoTime();
        new LogStream(db.logs(), db.deployments(), Duration.ofSeconds(30), Duration.ofMillis(2), Clock.systemUTC()).stream(d.id(), 0, out);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LogStream.WRITER_GRACE);
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("event: end\ndata: {\"status\":\"CANCELED\"}\n\n");
    }

    private static List<String> texts(String events) {
        List<String> texts = new ArrayList<>();
        Matcher m = LINE_TEXT.matcher(events);
        while (m.find()) {
            texts.add(m.group(1));
        }
        return texts;
    }
}
