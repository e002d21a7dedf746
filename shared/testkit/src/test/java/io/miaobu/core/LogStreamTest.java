package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.auth.AuthService.Session;
import io.miaobu.auth.User;
import io.miaobu.build.BuildLogWriter;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentRoutes;
import io.miaobu.deploy.DeploymentService.NewDeployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.LogLine;
import io.miaobu.deploy.LogStream;
import io.miaobu.http.Router;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.RouterClient;
import io.miaobu.testkit.StoreFixtures;
import io.miaobu.testkit.memory.InMemoryCore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The live build log (server-sent events) as a browser follows it, on in-memory stores: every line
 * before {@code end}, resuming after the last line seen (Last-Event-ID), and an end even when the
 * writer never says it is done. The stores' part (cursors, the end mark) is BuildLogStoreContract's.
 */
class LogStreamTest {
    private static final Pattern LINE_TEXT = Pattern.compile("\"text\":\"([^\"]*)\"");
    private static final Pattern LINE_ID = Pattern.compile("(?m)^id: (\\d+)$");

    final InMemoryCore core = new InMemoryCore();
    final String projectId = StoreFixtures.id("prj");
    User ada;

    private LogStream stream(Clock clock) {
        return new LogStream(core.logs, core.deploymentStore, Duration.ofSeconds(30), Duration.ofMillis(2), clock);
    }

    private Deployment deployment(DeploymentStatus... path) {
        Deployment d = StoreFixtures.deployment(projectId, core.clock.instant());
        core.deploymentStore.insert(d);
        DeploymentStatus from = DeploymentStatus.QUEUED;
        for (DeploymentStatus to : path) {
            core.deploymentStore.transition(d.id(), EnumSet.of(from), to, core.clock.instant());
            from = to;
        }
        return d;
    }

    private String read(Clock clock, String deploymentId, long after) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stream(clock).stream(deploymentId, after, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A finished build whose writer wrote {@code count} lines and said so. */
    private Deployment finishedWith(int count) {
        Deployment d = deployment(DeploymentStatus.BUILDING, DeploymentStatus.READY);
        List<LogLine> lines = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            lines.add(new LogLine(n, core.clock.instant(), "stdout", "line " + n));
        }
        core.logs.append(d.id(), lines);
        core.logs.end(d.id(), count, core.clock.instant());
        return d;
    }

    /** Lines written after READY ("Promoted to production.") used to be cut off by `end` in about a third of runs. */
    @Test
    void the_stream_sends_every_line_before_end_even_those_written_after_the_status_is_final() throws Exception {
        LogStream stream = stream(Clock.systemUTC());
        for (int run = 0; run < 100; run++) {
            Deployment d = deployment(DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try {
                    stream.stream(d.id(), 0, out);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (BuildLogWriter log = new BuildLogWriter(d.id(), core.logs, Clock.systemUTC())) {
                log.system("Uploading 3 files");
                log.flush();
                core.deploymentStore.finish(d.id(), EnumSet.of(DeploymentStatus.UPLOADING), DeploymentStatus.READY, null,
                        DeploymentStats.EMPTY, Instant.now());
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
    void a_reconnecting_browser_gets_only_the_lines_after_the_last_one_it_saw() throws Exception {
        Deployment d = finishedWith(5);

        String events = read(core.clock, d.id(), 3);

        assertThat(ids(events)).containsExactly(4L, 5L);
        assertThat(texts(events)).containsExactly("line 4", "line 5");
        assertThat(events).startsWith("retry: 2000\n\n").endsWith("event: end\ndata: {\"status\":\"READY\"}\n\n");
    }

    @Test
    void a_log_longer_than_one_read_is_sent_whole_and_in_order() throws Exception {
        Deployment d = finishedWith(1203);

        List<Long> ids = ids(read(core.clock, d.id(), 0));

        assertThat(ids).hasSize(1203);
        assertThat(ids).isSorted().startsWith(1L).endsWith(1203L);
    }

    @Test
    void a_log_whose_writer_died_without_ending_it_still_ends_once_the_grace_has_passed() throws Exception {
        Deployment d = deployment(DeploymentStatus.BUILDING, DeploymentStatus.FAILED);
        core.logs.append(d.id(), List.of(new LogLine(1, core.clock.instant(), "stdout", "npm install")));
        core.clock.advance(LogStream.WRITER_GRACE.plusSeconds(1));

        String events = read(core.clock, d.id(), 0);

        assertThat(texts(events)).containsExactly("npm install");
        assertThat(events).endsWith("event: end\ndata: {\"status\":\"FAILED\"}\n\n");
    }

    @Test
    void a_build_canceled_before_it_started_ends_at_once() throws Exception {
        Deployment d = deployment(DeploymentStatus.CANCELED);
        assertThat(read(core.clock, d.id(), 0)).isEqualTo("retry: 2000\n\nevent: end\ndata: {\"status\":\"CANCELED\"}\n\n");
    }

    @Test
    void the_log_of_a_deleted_deployment_ends_at_once() throws Exception {
        assertThat(read(core.clock, "dpl_deleted", 0)).endsWith("event: end\ndata: {\"status\":\"CANCELED\"}\n\n");
    }

    /** The deployment routes on the in-memory core, as a signed-in ada calls them. */
    private RouterClient deploymentRoutes() {
        Router router = new Router();
        DeploymentRoutes.register(router, core.auth, core.deployments, core.logs, stream(core.clock), core.hosts);
        Session ada = core.auth.register("ada@example.com", "correct horse battery", "192.0.2.1");
        this.ada = ada.user();
        return RouterClient.checked(router).as(ada.token());
    }

    /** A deployment of ada's new site, building. */
    private String building() {
        Project site = core.projects.create(ada, new NewProject("Shop", "https://github.com/acme/shop.git",
                "acme/shop", "main", null, null, null, null, null));
        String id = core.deployments.create(ada, site.id(), new NewDeployment(null, null)).deployment().id();
        core.deploymentStore.transition(id, EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.BUILDING, core.clock.instant());
        return id;
    }

    /**
     * {@code GET /logs?after=N}, for API users who page instead of streaming: "done" has the stream's
     * rule, so a client polling until done gets "Promoted to production." too.
     */
    @Test
    void a_page_of_the_log_is_done_only_once_the_writer_has_written_its_last_line() {
        RouterClient api = deploymentRoutes();
        String id = building();
        core.logs.append(id, List.of(new LogLine(1, core.clock.instant(), "system", "Uploading 3 files")));
        core.deploymentStore.finish(id, EnumSet.of(DeploymentStatus.BUILDING), DeploymentStatus.READY, null,
                DeploymentStats.EMPTY, core.clock.instant());

        JsonNode early = api.ok("GET", "/api/v1/deployments/" + id + "/logs?after=0", null);
        assertThat(early.get("lines")).hasSize(1);
        assertThat(early.get("done").asBoolean()).as("READY, but the writer is still writing").isFalse();

        core.logs.append(id, List.of(new LogLine(2, core.clock.instant(), "system", "Promoted to production.")));
        core.logs.end(id, 2, core.clock.instant());

        JsonNode last = api.ok("GET", "/api/v1/deployments/" + id + "/logs?after=1", null);
        assertThat(last.get("lines").findValuesAsText("text")).containsExactly("Promoted to production.");
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(api.ok("GET", "/api/v1/deployments/" + id + "/logs?after=2", null).get("done").asBoolean()).isTrue();
    }

    @Test
    void a_page_of_a_log_whose_writer_died_is_done_once_the_grace_has_passed() {
        RouterClient api = deploymentRoutes();
        String id = building();
        core.deploymentStore.finish(id, EnumSet.of(DeploymentStatus.BUILDING), DeploymentStatus.FAILED, "Builder lost.",
                DeploymentStats.EMPTY, core.clock.instant());

        assertThat(api.ok("GET", "/api/v1/deployments/" + id + "/logs", null).get("done").asBoolean()).isFalse();
        core.clock.advance(LogStream.WRITER_GRACE.plusSeconds(1));
        assertThat(api.ok("GET", "/api/v1/deployments/" + id + "/logs", null).get("done").asBoolean()).isTrue();
    }

    private static List<String> texts(String events) {
        List<String> texts = new ArrayList<>();
        Matcher m = LINE_TEXT.matcher(events);
        while (m.find()) {
            texts.add(m.group(1));
        }
        return texts;
    }

    private static List<Long> ids(String events) {
        List<Long> ids = new ArrayList<>();
        Matcher m = LINE_ID.matcher(events);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }
}
