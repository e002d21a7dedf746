package io.miaobu.tools.bench;

import io.miaobu.build.FileTrees;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.FunctionProcess;
import io.miaobu.tools.fc.FcPackage;
import io.miaobu.tools.fc.FunctionTraining;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * {@code ./miaobu bench coldstart [rounds]}: a fresh JVM for the api function's jar, started as FC's
 * custom runtime starts it, timed from process start to the first 2xx of one FC HTTP request
 * ({@code GET /api/v1/health} with the {@code x-fc-*} headers), against two bare starts:
 * <ul>
 *   <li>a bare JVM HTTP server: a jar holding one class that serves every request with the JDK's
 *   HttpServer ({@link BareHttpServer}), timed the same way: the least any Java function can cost;</li>
 *   <li>{@code java -version}: the JVM alone, no application, no socket.</li>
 * </ul>
 * The api function runs with plain {@code java -jar}, with serverless.yaml's JVM flags, and with those
 * plus an AppCDS archive recorded for it; also timed: the first answer that needs the database (a
 * sign-up, against an embedded PostgreSQL); the oauth and webhook jars with the FC flags, beside the api's, show
 * what a jar's size costs at start. Medians of the rounds, then every function jar's size (each carries only the
 * SDKs its routes use: FunctionAdapters).
 */
public final class ColdStartBench {
    private static final List<String> FUNCTIONS = List.of("api", "oauth", "webhook", "builder", "scheduler");

    private ColdStartBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path root = Path.of("").toAbsolutePath();
        Path apiJar = jar(root, "api");
        if (!Files.isRegularFile(apiJar)) {
            throw new IllegalStateException(apiJar + " is missing; run `mvn -DskipTests package` first");
        }
        Path work = Files.createTempDirectory("miaobu-bench-coldstart");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(work.toFile()).start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            PostgresDatabase.connect(url).close();
            Path log = work.resolve("runs.log");
            // Every start writes its output to one file: nothing in this JVM reads while a function starts.
            Function<String, FunctionProcess.Launcher> launcher = name ->
                    FcPackage.launcher(name, jar(root, name), url, work).logTo(log);
            Path bareJar = bareJar(work);
            Supplier<FunctionProcess.Launcher> bareServer = () -> FunctionProcess.launcher("bare", bareJar).logTo(log);
            Path archive = work.resolve("miaobu-api.jsa");
            FunctionTraining.record(launcher.apply("api"), archive);
            List<String> fcFlags = FunctionProcess.FC_FLAGS;
            List<String> cdsFlags = new ArrayList<>(fcFlags);
            cdsFlags.addAll(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive));
            String java = FunctionProcess.currentJava();

            Map<String, List<Double>> times = new LinkedHashMap<>();
            for (int round = -1; round < rounds; round++) { // round -1 warms this JVM's own polling code; not counted
                if (round == 0) {
                    times.clear();
                }
                add(times, "java -version", javaVersion(java));
                add(times, "bare JVM HTTP server", health(bareServer.get()));
                add(times, "bare JVM HTTP server, FC flags", health(bareServer.get().jvmOptions(fcFlags)));
                add(times, "api, java -jar", health(launcher.apply("api")));
                add(times, "api, FC flags", health(launcher.apply("api").jvmOptions(fcFlags)));
                add(times, "api, FC flags + AppCDS", health(launcher.apply("api").jvmOptions(cdsFlags)));
                add(times, "api, FC flags + AppCDS, first database answer", signUp(launcher.apply("api").jvmOptions(cdsFlags)));
                for (String other : List.of("oauth", "webhook")) { // the other HTTP functions, to set beside their jar sizes
                    if (Files.isRegularFile(jar(root, other))) {
                        add(times, other + ", FC flags", health(launcher.apply(other).jvmOptions(fcFlags)));
                    }
                }
            }

            System.out.printf("Cold start, process start to first 2xx (median of %d; %s, %d CPUs)%n", rounds,
                    System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors());
            Map<String, Double> median = new LinkedHashMap<>();
            times.forEach((name, list) -> {
                median.put(name, median(list));
                System.out.printf("  %-48s %7.0f ms   (min %.0f, max %.0f)%n", name, median(list),
                        list.stream().mapToDouble(d -> d).min().orElse(0), list.stream().mapToDouble(d -> d).max().orElse(0));
            });
            double bare = median.get("bare JVM HTTP server, FC flags");
            double api = median.get("api, FC flags + AppCDS");
            System.out.printf("%napi (serverless.yaml's start command) = %.2fx a bare JVM HTTP server, %.1fx `java -version` (target: under 3x the bare server)%n",
                    api / bare, api / median.get("java -version"));
            System.out.printf("without AppCDS: %.2fx; plain java -jar: %.2fx (vs the bare server with default flags)%n",
                    median.get("api, FC flags") / bare, median.get("api, java -jar") / median.get("bare JVM HTTP server"));

            System.out.println("\nFunction jars");
            for (String function : FUNCTIONS) {
                Path jar = jar(root, function);
                if (Files.isRegularFile(jar)) {
                    try (JarFile j = new JarFile(jar.toFile())) {
                        long classes = j.stream().filter(e -> e.getName().endsWith(".class")).count();
                        System.out.printf("  miaobu-%-10s %6.1f MB  %5d classes%n", function + ".jar",
                                Files.size(jar) / 1024.0 / 1024.0, classes);
                    }
                }
            }
        } finally {
            FileTrees.delete(work);
        }
    }

    private static Path jar(Path root, String function) {
        return root.resolve("functions/" + function + "/target/miaobu-" + function + ".jar");
    }

    private static double health(FunctionProcess.Launcher launcher) throws Exception {
        try (FunctionProcess p = launcher.spawn()) {
            FunctionProcess.RawReply a = p.firstAnswer("GET", "/api/v1/health", Map.of(), null, Duration.ofSeconds(60));
            check(a, 200);
            return a.after().toNanos() / 1e6;
        }
    }

    private static double signUp(FunctionProcess.Launcher launcher) throws Exception {
        try (FunctionProcess p = launcher.spawn()) {
            String email = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            FunctionProcess.RawReply a = p.firstAnswer("POST", "/api/v1/auth/register", Map.of("content-type", "application/json"),
                    "{\"email\":\"" + email + "\",\"password\":\"benchmark-password\"}", Duration.ofSeconds(60));
            check(a, 201);
            return a.after().toNanos() / 1e6;
        }
    }

    private static void check(FunctionProcess.RawReply a, int expected) {
        if (a.status() != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + a.status() + ": " + a.body());
        }
    }

    private static double javaVersion(String java) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return (System.nanoTime() - start) / 1e6;
    }

    /** A jar holding only {@link BareHttpServer}. */
    private static Path bareJar(Path work) throws IOException {
        Path jar = work.resolve("bare.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, BareHttpServer.class.getName());
        String entry = BareHttpServer.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream in = BareHttpServer.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static void add(Map<String, List<Double>> times, String name, double ms) {
        times.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
