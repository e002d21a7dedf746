package io.miaobu.build.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.build.BuildOutput;
import io.miaobu.build.BuildSandbox;
import io.miaobu.config.SandboxSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox itself, as a hostile build meets it, in both of its modes: with namespaces (bubblewrap)
 * and with a uid alone (what remains where a container forbids namespaces). Needs root, as the
 * platform does to give builds uids of their own (CI runs as root).
 */
class BuildSandboxesTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");
    // A range of its own per test JVM: two runs of this class at once (two checkouts on one machine) would
    // otherwise hold each other's uids, and a uid someone holds is, rightly, never cleaned up.
    private static final int FIRST_UID = 2_000_100_000 + (int) (ProcessHandle.current().pid() % 10_000) * 10;

    @TempDir Path tmp;
    private Path data;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final BuildOutput output = (stream, text) -> lines.add(text);

    @BeforeEach
    void requireRoot() throws Exception {
        Assumptions.assumeTrue(BuildSandboxes.currentUid() == 0, "builds get uids of their own only when Miaobu runs as root");
        data = Files.createDirectories(tmp.resolve("data"));
        // As the platform leaves it: builds may pass through (not list) the directories above their workspace.
        for (Path p : List.of(tmp, data, Files.createDirectories(data.resolve("builds")))) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        }
        Files.writeString(data.resolve("secret.key"), "the-platform-secret");
    }

    private BuildSandboxes sandboxes(String mode, int maxProcesses, int memoryMb) throws Exception {
        BuildSandboxes sandboxes = BuildSandboxes.create(new SandboxSettings(mode, FIRST_UID, 10, maxProcesses, memoryMb, 600, 64),
                List.of(data));
        sandboxes.protectDataDirectory(data, data.resolve("builds"));
        if (mode.equals("namespaces")) {
            assertThat(sandboxes.mode()).isEqualTo(BuildSandboxes.Mode.NAMESPACES);
        }
        return sandboxes;
    }

    private Path workspace(BuildSandbox sandbox, String name) throws Exception {
        Path workspace = Files.createDirectories(data.resolve("builds").resolve(name));
        sandbox.prepare(workspace);
        return workspace;
    }

    private String run(BuildSandbox sandbox, Path dir, String command) throws Exception {
        lines.clear();
        sandbox.run(command, dir, ENV, MINUTE, output, () -> false);
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"namespaces", "uid"})
    void two_builds_at_once_run_as_two_different_unprivileged_uids(String mode) throws Exception {
        BuildSandboxes sandboxes = sandboxes(mode, 256, 1024);
        try (BuildSandbox a = sandboxes.open(data.resolve("builds/a")); BuildSandbox b = sandboxes.open(data.resolve("builds/b"))) {
            String uidA = run(a, workspace(a, "a"), "id -u");
            String uidB = run(b, workspace(b, "b"), "id -u");
            assertThat(Long.parseLong(uidA.strip())).isBetween((long) FIRST_UID, FIRST_UID + 9L);
            assertThat(uidB.strip()).isNotEqualTo(uidA.strip());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"namespaces", "uid"})
    void the_platforms_secret_key_cannot_be_read(String mode) throws Exception {
        BuildSandboxes sandboxes = sandboxes(mode, 256, 1024);
        try (BuildSandbox sandbox = sandboxes.open(data.resolve("builds/k"))) {
            String out = run(sandbox, workspace(sandbox, "k"), "cat " + data.resolve("secret.key") + " 2>&1; ls " + data + " 2>&1");
            assertThat(out).doesNotContain("the-platform-secret");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"namespaces", "uid"})
    void a_detached_process_does_not_outlive_the_build(String mode) throws Exception {
        BuildSandboxes sandboxes = sandboxes(mode, 256, 1024);
        String marker = "lingering-" + System.nanoTime();
        BuildSandbox sandbox = sandboxes.open(data.resolve("builds/l"));
        Path workspace = workspace(sandbox, "l");
        Files.writeString(workspace.resolve("linger.sh"), "sleep 300\n");
        run(sandbox, workspace, "setsid nohup sh linger.sh " + marker + " >/dev/null 2>&1 < /dev/null & echo started");
        sandbox.close();
        assertThat(processesWith(marker)).as("processes left by the build").isEmpty();
    }

    @org.junit.jupiter.api.Test
    void a_process_left_by_a_build_of_a_miaobu_that_died_is_killed_when_the_next_one_starts() throws Exception {
        String marker = "orphan-" + System.nanoTime();
        // As a killed Miaobu in uid mode leaves it: a build uid's process that nobody holds the uid for any more.
        Process orphan = new ProcessBuilder("setsid", "setpriv", "--reuid=" + (FIRST_UID + 7), "--regid=" + (FIRST_UID + 7),
                "--clear-groups", "--", "sh", "-c", "sleep 300; echo " + marker).start();
        for (long deadline = System.nanoTime() + 5_000_000_000L; processesWith(marker).isEmpty() && System.nanoTime() < deadline; ) {
            Thread.sleep(20);
        }
        assertThat(processesWith(marker)).as("the orphan is running").isNotEmpty();

        sandboxes("uid", 256, 1024);

        assertThat(processesWith(marker)).isEmpty();
        orphan.destroyForcibly();
    }

    /** A checkout in /tmp keeps its tools there (./miaobu puts pnpm in .tools/): the build's private /tmp must not hide them. */
    @org.junit.jupiter.api.Test
    void with_namespaces_tools_on_the_path_below_tmp_still_run_read_only() throws Exception {
        Path prefix = Files.createDirectories(tmp.resolve("tools"));
        Path script = Files.writeString(Files.createDirectories(prefix.resolve("lib")).resolve("hello.sh"), "echo hello from the tool\n");
        Files.createSymbolicLink(Files.createDirectories(prefix.resolve("bin")).resolve("hello"), Path.of("../lib/hello.sh"));
        for (Path p : List.of(prefix, prefix.resolve("lib"), prefix.resolve("bin"), script)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Map<String, String> env = Map.of("PATH", prefix.resolve("bin") + ":" + ENV.get("PATH"));
        try (BuildSandbox sandbox = sandboxes("namespaces", 256, 1024).open(data.resolve("builds/t"))) {
            Path workspace = workspace(sandbox, "t");
            lines.clear();
            assertThat(sandbox.run("hello; touch " + prefix + "/lib/planted 2>&1; cat " + data.resolve("secret.key") + " 2>&1",
                    workspace, env, MINUTE, output, () -> false)).isNotZero();
            assertThat(String.join("\n", lines)).contains("hello from the tool").contains("Read-only file system")
                    .doesNotContain("the-platform-secret");
        }
    }

    /** The operator's PATH may name folders only they can enter: the build must hear that a tool is missing, not "Permission denied". */
    @ParameterizedTest
    @ValueSource(strings = {"namespaces", "uid"})
    void a_tool_that_is_not_installed_is_reported_as_not_found_even_with_a_private_folder_on_the_path(String mode) throws Exception {
        Path own = Files.createDirectories(tmp.resolve("operator-home/.local/bin"));
        Files.setPosixFilePermissions(tmp.resolve("operator-home"), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (BuildSandbox sandbox = sandboxes(mode, 256, 1024).open(data.resolve("builds/y"))) {
            Path workspace = workspace(sandbox, "y");
            // The build's own tools (corepack's shims in its HOME) stay on its PATH: it enters its private workspace as owner.
            Path ownTools = Files.createDirectories(workspace.resolve("home/bin"));
            Files.writeString(ownTools.resolve("pnpm"), "#!/bin/sh\necho pnpm from the build home\n");
            Files.setPosixFilePermissions(ownTools.resolve("pnpm"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            sandbox.prepare(workspace);
            Map<String, String> env = Map.of("PATH", own + ":" + ownTools + ":" + ENV.get("PATH"));
            lines.clear();
            assertThat(sandbox.run("yarn --version", workspace, env, MINUTE, output, () -> false)).isEqualTo(127);
            assertThat(String.join("\n", lines)).contains("not found").doesNotContain("Permission denied");
            lines.clear();
            assertThat(sandbox.run("pnpm", workspace, env, MINUTE, output, () -> false)).as("%s", lines).isZero();
            assertThat(String.join("\n", lines)).contains("pnpm from the build home");
        }
    }

    @org.junit.jupiter.api.Test
    void with_namespaces_a_build_sees_only_its_own_processes_and_a_read_only_system() throws Exception {
        try (BuildSandbox sandbox = sandboxes("namespaces", 256, 1024).open(data.resolve("builds/p"))) {
            Path workspace = workspace(sandbox, "p");
            String out = run(sandbox, workspace, "ls /proc | grep -c '^[0-9]'; touch /etc/miaobu-test 2>&1; touch /tmp/x && echo tmp-ok; "
                    + "touch own && echo workspace-ok");
            List<String> got = out.lines().toList();
            assertThat(Integer.parseInt(got.get(0).strip())).as("processes visible").isLessThan(6);
            assertThat(out).contains("Read-only file system").contains("tmp-ok").contains("workspace-ok");
            assertThat(Files.exists(Path.of("/etc/miaobu-test"))).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"namespaces", "uid"})
    void a_fork_bomb_stops_at_the_process_limit_with_a_clear_log_line(String mode) throws Exception {
        try (BuildSandbox sandbox = sandboxes(mode, 32, 1024).open(data.resolve("builds/f"))) {
            String out = runFailing(sandbox, workspace(sandbox, "f"), "i=0; while [ $i -lt 200 ]; do sleep 20 & i=$((i+1)); done; echo done $i");
            assertThat(out).contains("The build hit the process limit (MIAOBU_BUILD_MAX_PROCESSES=32)");
            assertThat(out).doesNotContain("done 200");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"namespaces", "uid"})
    void a_build_over_its_memory_stops_with_a_clear_log_line(String mode) throws Exception {
        try (BuildSandbox sandbox = sandboxes(mode, 256, 128).open(data.resolve("builds/m"))) {
            String out = runFailing(sandbox, workspace(sandbox, "m"), "node -e 'const a = []; for (let i = 0; i < 64; i++) "
                    + "a.push(Buffer.alloc(16 << 20, 1)); console.log(\"allocated\", a.length)'");
            assertThat(out).doesNotContain("allocated 64").contains("The build hit the memory limit (MIAOBU_BUILD_MEMORY_MB=128)");
        }
    }

    /** Runs a command that must fail; its output. */
    private String runFailing(BuildSandbox sandbox, Path dir, String command) throws Exception {
        lines.clear();
        int exit = sandbox.run(command, dir, ENV, MINUTE, output, () -> false);
        assertThat(exit).as("exit code of " + command).isNotZero();
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    private static List<Long> processesWith(String marker) throws Exception {
        List<Long> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                try {
                    if (p.getFileName().toString().matches("\\d+")
                            && new String(Files.readAllBytes(p.resolve("cmdline"))).contains(marker)) {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (java.io.IOException e) {
                    // gone
                }
            }
        }
        return found;
    }
}
