package io.miaobu.build.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Map<String, String> PATH_ONLY = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");

    @TempDir Path dir;

    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private final List<String[]> lines = Collections.synchronizedList(new ArrayList<>());
    private final BuildOutput output = (stream, text) -> lines.add(new String[] {stream, text});

    private List<String> stream(String name) {
        synchronized (lines) {
            return lines.stream().filter(l -> l[0].equals(name)).map(l -> l[1]).toList();
        }
    }

    @Test
    void streams_stdout_and_stderr_lines_in_order_per_stream() throws Exception {
        int exit = runner.run("for i in 1 2 3; do echo out$i; echo err$i >&2; done; printf 'no newline'",
                dir, PATH_ONLY, MINUTE, output, () -> false);

        assertThat(exit).isZero();
        assertThat(stream("stdout")).containsExactly("out1", "out2", "out3", "no newline");
        assertThat(stream("stderr")).containsExactly("err1", "err2", "err3");
    }

    @Test
    void returns_the_exit_code_of_a_failing_command() throws Exception {
        assertThat(runner.run("echo failing; exit 3", dir, PATH_ONLY, MINUTE, output, () -> false)).isEqualTo(3);
        assertThat(runner.run("false", dir, PATH_ONLY, MINUTE, output, () -> false)).isEqualTo(1);
        assertThat(runner.run("no-such-command-here", dir, PATH_ONLY, MINUTE, output, () -> false)).isEqualTo(127);
    }

    @Test
    void runs_in_the_working_directory() throws Exception {
        Files.writeString(dir.resolve("marker.txt"), "here");

        runner.run("pwd; cat marker.txt", dir, PATH_ONLY, MINUTE, output, () -> false);

        assertThat(stream("stdout")).containsExactly(dir.toRealPath().toString(), "here");
    }

    @Test
    void the_environment_contains_only_what_was_passed() throws Exception {
        assertThat(System.getenv("PATH")).as("the test JVM has a PATH").isNotNull();

        runner.run("env", dir, Map.of("NODE_ENV", "production", "EMPTY", ""), MINUTE, output, () -> false);

        assertThat(stream("stdout")).contains("NODE_ENV=production", "EMPTY=");
        assertThat(stream("stdout")).noneMatch(l -> l.startsWith("PATH=") || l.startsWith("HOME=")
                || l.startsWith("USER=") || l.startsWith("JAVA_HOME=") || l.startsWith("MAVEN"));
        List<String> names = stream("stdout").stream().map(l -> l.substring(0, l.indexOf('='))).toList();
        // A shell may add its own bookkeeping variables; nothing from the platform's environment.
        assertThat(names).allMatch(n -> List.of("NODE_ENV", "EMPTY", "PWD", "OLDPWD", "SHLVL", "_").contains(n));
    }

    @Test
    void the_command_reads_an_empty_stdin() throws Exception {
        int exit = runner.run("cat; echo done", dir, PATH_ONLY, Duration.ofSeconds(10), output, () -> false);

        assertThat(exit).isZero();
        assertThat(stream("stdout")).containsExactly("done");
    }

    @Test
    void splits_huge_lines_without_losing_output() throws Exception {
        // 100,000 'x' then a short line: nothing may be lost, no piece may exceed 8 KiB.
        int exit = runner.run("head -c 100000 /dev/zero | tr '\\0' x; echo; echo after",
                dir, PATH_ONLY, MINUTE, output, () -> false);

        assertThat(exit).isZero();
        List<String> out = stream("stdout");
        assertThat(out).last().isEqualTo("after");
        assertThat(String.join("", out.subList(0, out.size() - 1))).hasSize(100_000).matches("x+");
        assertThat(out).allMatch(l -> l.length() <= ProcessCommandRunner.MAX_LINE_BYTES);
        assertThat(out.size()).isGreaterThanOrEqualTo(1 + 100_000 / ProcessCommandRunner.MAX_LINE_BYTES);
    }

    @Test
    void delivers_all_output_written_right_before_the_command_exits() throws Exception {
        for (int run = 0; run < 20; run++) {
            List<String> out = Collections.synchronizedList(new ArrayList<>());

            runner.run("seq 1 20000", dir, PATH_ONLY, MINUTE, (stream, text) -> out.add(text), () -> false);

            assertThat(out).as("run %d", run).hasSize(20000).endsWith("20000");
        }
    }

    @Test
    void tolerates_invalid_utf8() throws Exception {
        runner.run("printf 'caf\\303\\251 \\377 ok\\n'", dir, PATH_ONLY, MINUTE, output, () -> false);

        assertThat(stream("stdout")).containsExactly("café \uFFFD ok");
    }

    @Test
    void a_timeout_kills_the_whole_process_tree_and_fails_the_build() throws Exception {
        long start = System.nanoTime();

        assertThatThrownBy(() -> runner.run("sleep 100 & echo $!; sleep 100",
                        dir, PATH_ONLY, Duration.ofSeconds(1), output, () -> false))
                .isInstanceOf(BuildFailure.class)
                .hasMessage("`sleep 100 & echo $!; sleep 100` timed out after 1 second; "
                        + "raise the build timeout or make the build faster");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        long grandchild = Long.parseLong(stream("stdout").get(0));
        assertGone(grandchild);
    }

    @Test
    void without_a_process_group_a_timeout_still_kills_the_descendants() throws Exception {
        ProcessCommandRunner plain = new ProcessCommandRunner(false);

        assertThatThrownBy(() -> plain.run("sleep 100 & echo $!; sleep 100",
                        dir, PATH_ONLY, Duration.ofSeconds(1), output, () -> false))
                .isInstanceOf(BuildFailure.class);

        assertGone(Long.parseLong(stream("stdout").get(0)));
    }

    @Test
    void the_timeout_message_names_minutes() {
        assertThat(ProcessCommandRunner.describe(Duration.ofMinutes(15))).isEqualTo("15 minutes");
        assertThat(ProcessCommandRunner.describe(Duration.ofMinutes(1))).isEqualTo("1 minute");
        assertThat(ProcessCommandRunner.describe(Duration.ofSeconds(90))).isEqualTo("90 seconds");
    }

    @Test
    void canceling_kills_the_process_tree_within_a_second() throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        List<Long> pids = Collections.synchronizedList(new ArrayList<>());
        long[] canceledAt = new long[1];
        BuildOutput capture = (stream, text) -> {
            pids.add(Long.parseLong(text));
            canceledAt[0] = System.nanoTime();
            cancel.set(true);
        };

        assertThatThrownBy(() -> runner.run("sleep 100 & echo $!; sleep 100",
                        dir, PATH_ONLY, MINUTE, capture, cancel::get))
                .isInstanceOf(BuildCanceled.class);

        assertThat(Duration.ofNanos(System.nanoTime() - canceledAt[0])).isLessThan(Duration.ofMillis(1500));
        assertGone(pids.get(0));
    }

    @Test
    void processes_left_in_the_background_do_not_outlive_the_command() throws Exception {
        long start = System.nanoTime();

        // The background sleep keeps stdout open and is re-parented away from the command's tree.
        int exit = runner.run("(sleep 100 & echo $!) ; echo done", dir, PATH_ONLY, MINUTE, output, () -> false);

        assertThat(exit).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThat(stream("stdout")).last().isEqualTo("done");
        assertGone(Long.parseLong(stream("stdout").get(0)));
    }

    @Test
    void an_interrupted_caller_cancels_the_command() throws Exception {
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();
        try {
            assertThatThrownBy(() -> runner.run("sleep 100", dir, PATH_ONLY, MINUTE, output, () -> false))
                    .isInstanceOf(BuildCanceled.class);
        } finally {
            interrupter.join();
            Thread.interrupted();
        }
    }

    @Test
    void a_missing_working_directory_fails_the_build() {
        assertThatThrownBy(() -> runner.run("true", dir.resolve("missing"), PATH_ONLY, MINUTE, output, () -> false))
                .isInstanceOf(BuildFailure.class)
                .hasMessageContaining("does not exist");
    }

    private static void assertGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (isRunning(pid) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(isRunning(pid)).as("process %d is still running", pid).isFalse();
    }

    /** Alive and not a zombie (a killed orphan may wait a moment for init to reap it). */
    private static boolean isRunning(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
                return !state.equals("Z") && !state.equals("X");
            } catch (Exception e) {
                return false; // gone meanwhile, or no /proc: ProcessHandle said alive a moment ago
            }
        }
        return false;
    }
}
