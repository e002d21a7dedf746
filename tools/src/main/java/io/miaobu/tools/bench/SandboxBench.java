package io.miaobu.tools.bench;

import io.miaobu.build.BuildSandbox;
import io.miaobu.build.CommandRunner;
import io.miaobu.build.process.BuildSandboxes;
import io.miaobu.build.process.ProcessCommandRunner;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SandboxSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's own cost, apart from any build: a "build" of two commands ({@code true}, and
 * {@code node -e 0} as an install or build step starts Node.js) through no sandbox, a uid alone and
 * the full sandbox (namespaces), each opened, run and closed {@code rounds} times; medians in
 * milliseconds and as ratios to no sandbox. Part of {@code ./miaobu bench}, and alone as {@code ./miaobu bench sandbox}.
 */
final class SandboxBench {
    private static final Map<String, String> ENV = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));

    private SandboxBench() {}

    /** {@code ./miaobu bench sandbox [rounds=20]}. */
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("miaobu-bench-sandbox");
        try {
            run(work, args.length > 0 ? Integer.parseInt(args[0]) : 20);
        } finally {
            Bench.deleteTree(work);
        }
    }

    static void run(Path work, int rounds) throws Exception {
        Path data = Files.createDirectories(work.resolve("sandbox-bench"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx--x--x"));
        SandboxSettings defaults = MiaobuConfig.fromEnv(Map.of()).sandbox();
        double none = median(data, new ProcessCommandRunner(), rounds);
        System.out.printf("sandbox cost per build of two commands (median of %d): no sandbox %.0f ms", rounds, none);
        for (String mode : List.of("uid", "namespaces")) {
            BuildSandboxes sandboxes;
            try {
                sandboxes = BuildSandboxes.create(new SandboxSettings(mode, defaults.firstUid(), defaults.uidCount(),
                        defaults.maxProcesses(), defaults.memoryMb(), defaults.cpuSeconds(), defaults.maxFileMb()), List.of());
            } catch (RuntimeException e) {
                System.out.printf("; %s: not available here (%s)", mode, e.getMessage());
                continue;
            }
            double ms = median(data, sandboxes, rounds);
            System.out.printf("; %s (%s) %.0f ms (x%.2f)", mode, sandboxes.mode(), ms, ms / none);
        }
        System.out.println();
    }

    private static double median(Path data, CommandRunner runner, int rounds) throws Exception {
        Path root = runner.workspaceRoot(data.resolve("builds"));
        List<Double> times = new ArrayList<>();
        for (int i = 0; i <= rounds; i++) {
            Path workspace = Files.createDirectories(root.resolve("b" + i));
            long start = System.nanoTime();
            try (BuildSandbox sandbox = runner.open(workspace)) {
                sandbox.prepare(workspace);
                for (String command : List.of("true", "node -e 0")) {
                    if (sandbox.run(command, workspace, ENV, Duration.ofMinutes(1), (stream, text) -> { }, () -> false) != 0) {
                        throw new IllegalStateException("`" + command + "` failed in the sandbox");
                    }
                }
            }
            if (i > 0) { // the first warms up
                times.add((System.nanoTime() - start) / 1e6);
            }
            Bench.deleteTree(workspace);
        }
        times.sort(Double::compare);
        return times.get(times.size() / 2);
    }
}
