package io.miaobu.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.local.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;

/**
 * {@code ./miaobu bench cache [rounds=3]}: the install of a real Vite React app (npm, lockfile,
 * dependencies from the registry) built cold (a new project, nothing cached) and warm (the same
 * project redeployed after a source change), with the build cache on this machine's disk (local
 * mode) and as archives in the artifact store (as the builder function keeps it). The install
 * phase is read from the log: from "Installing from ..." to "Build: ...", so restoring the cache counts.
 */
public final class CacheBench {
    private static final String PACKAGE_JSON = """
            {"name": "bench-vite-react", "private": true, "type": "module",
             "scripts": {"build": "vite build"},
             "dependencies": {"react": "18.3.1", "react-dom": "18.3.1"},
             "devDependencies": {"vite": "6.4.6", "@vitejs/plugin-react": "4.6.0"},
             "overrides": {"rollup": "4.67.4"}}""";

    private CacheBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path work = Files.createTempDirectory("miaobu-cache-bench");
        try {
            Path site = viteReactApp(work);
            System.out.printf("Vite React app (react 18.3.1, vite 6.4.6), npm with a lockfile; %d round(s) per store.%n", rounds);
            for (String mode : List.of("auto", "store")) {
                bench(work, site, mode, rounds);
            }
        } finally {
            Bench.deleteTree(work);
        }
    }

    private static void bench(Path work, Path site, String mode, int rounds) throws Exception {
        String label = mode.equals("auto") ? "directory on disk (local mode)" : "archives in the artifact store (builder function)";
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        try (LocalHost host = LocalHost.start(MiaobuConfig.fromEnv(Map.of("MIAOBU_PORT", "0",
                "MIAOBU_DATA_DIR", work.resolve("data-" + mode).toString(), "MIAOBU_BUILD_CACHE", mode)))) {
            String base = "http://127.0.0.1:" + host.port();
            String token = Bench.post(base + "/api/v1/auth/register", null,
                    "{\"email\":\"cache-bench@example.com\",\"password\":\"benchmark-password\"}").get("token").asText();
            for (int round = 1; round <= rounds; round++) {
                String projectId = Bench.post(base + "/api/v1/projects", token, "{\"name\":\"cache " + mode + " " + round
                        + "\",\"gitUrl\":\"" + site + "\"}").get("id").asText();
                double c = install(base, token, deployReady(base, token, projectId));
                touch(site, round);
                double w = install(base, token, deployReady(base, token, projectId));
                cold.add(c);
                warm.add(w);
                System.out.printf("  %-50s round %d: cold install %6.2fs, warm install %6.2fs%n", label, round, c, w);
            }
        }
        double c = median(cold);
        double w = median(warm);
        System.out.printf("%-52s median: cold %.2fs, warm %.2fs -> warm/cold ratio 1:%.1f%n", label, c, w, c / w);
    }

    private static Path viteReactApp(Path work) throws Exception {
        Path site = Files.createDirectories(work.resolve("site/src"));
        site = site.getParent();
        Files.writeString(site.resolve("package.json"), PACKAGE_JSON);
        Files.writeString(site.resolve("vite.config.js"), "import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n"
                + "export default defineConfig({ plugins: [react()] });\n");
        Files.writeString(site.resolve("index.html"), "<!doctype html><div id=\"root\"></div><script type=\"module\" src=\"/src/main.jsx\"></script>");
        touch(site, 0);
        // The lockfile a developer would commit: from a real install, in a scratch copy with its own HOME.
        Path scratch = Files.createDirectories(work.resolve("lock"));
        Files.copy(site.resolve("package.json"), scratch.resolve("package.json"));
        ProcessBuilder npm = new ProcessBuilder("npm", "install", "--ignore-scripts", "--no-audit", "--no-fund")
                .directory(scratch.toFile()).redirectErrorStream(true);
        npm.environment().put("HOME", Files.createDirectories(scratch.resolve("home")).toString());
        Process p = npm.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("npm install for the lockfile failed:\n" + out);
        }
        Files.copy(scratch.resolve("package-lock.json"), site.resolve("package-lock.json"));
        try (Git git = Git.init().setDirectory(site.toFile()).setInitialBranch("main").call()) {
            Bench.commitAll(git, "vite react app");
        }
        return site;
    }

    /** A source change (not the lockfile), committed: the next deployment is a warm one. */
    private static void touch(Path site, int round) throws Exception {
        Files.writeString(site.resolve("src/main.jsx"), "import { createRoot } from 'react-dom/client';\n"
                + "createRoot(document.getElementById('root')).render(<h1>round " + round + "</h1>);\n");
        if (round > 0) {
            try (Git git = Git.open(site.toFile())) {
                Bench.commitAll(git, "round " + round);
            }
        }
    }

    private static String deployReady(String base, String token, String projectId) throws Exception {
        String id = Bench.post(base + "/api/v1/projects/" + projectId + "/deployments", token, "{}").get("id").asText();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode d = Bench.get(base + "/api/v1/deployments/" + id, token);
            String status = d.get("status").asText();
            if (status.equals("READY")) {
                return id;
            }
            if (status.equals("FAILED") || status.equals("CANCELED")) {
                throw new IllegalStateException("deployment " + id + " " + status + ": " + d.get("error"));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("deployment " + id + " did not finish in 10 minutes");
    }

    /** Seconds from "Installing from ..." (before the cache is restored) to "Build: ..." in the log. */
    private static double install(String base, String token, String id) throws Exception {
        Instant start = null;
        Instant end = null;
        for (JsonNode line : Bench.get(base + "/api/v1/deployments/" + id + "/logs", token).get("lines")) {
            String text = line.get("text").asText();
            if (start == null && text.startsWith("Installing from")) {
                start = Instant.parse(line.get("ts").asText());
            }
            if (end == null && text.startsWith("Build: ")) {
                end = Instant.parse(line.get("ts").asText());
            }
        }
        if (start == null || end == null) {
            throw new IllegalStateException("no install phase in the log of " + id);
        }
        return Duration.between(start, end).toMillis() / 1000.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
