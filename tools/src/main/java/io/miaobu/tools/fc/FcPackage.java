package io.miaobu.tools.fc;

import io.miaobu.build.FileTrees;
import io.miaobu.postgres.PostgresDatabase;
import io.miaobu.testkit.FunctionProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./miaobu fc package}: after {@code mvn package} has put each HTTP function's jar in
 * {@code functions/<name>/target/fc/} (its FC code directory), records the function's AppCDS archive
 * next to it ({@link FunctionTraining}) against a throwaway embedded PostgreSQL. serverless.yaml's start
 * commands name the archive with {@code -Xshare:auto}: the JVM uses it when it was made by the very same
 * JVM build, and ignores it otherwise. MIAOBU_CDS_JAVA picks the {@code java} that records it (use the
 * one matching the FC Java layer's JDK).
 */
public final class FcPackage {
    static final List<String> HTTP_FUNCTIONS = List.of("api", "oauth", "webhook");

    private FcPackage() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        String java = System.getenv().getOrDefault("MIAOBU_CDS_JAVA", FunctionProcess.currentJava());
        Path work = Files.createTempDirectory("miaobu-fc-package");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(work.toFile()).start()) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            PostgresDatabase.connect(url).close(); // migrate the throwaway database
            for (String function : HTTP_FUNCTIONS) {
                Path code = root.resolve("functions/" + function + "/target/fc");
                Path jar = code.resolve("miaobu-" + function + ".jar");
                if (!Files.isRegularFile(jar)) {
                    System.err.println("miaobu fc package: " + jar + " is missing; run `mvn -DskipTests package` first.");
                    System.exit(1);
                }
                Path archive = code.resolve("miaobu-" + function + ".jsa");
                FunctionTraining.record(launcher(function, jar, url, work).java(java), archive);
                System.out.printf("%-8s %s (%.1f MB) + %s (%.1f MB)%n", function, root.relativize(jar), mb(jar),
                        archive.getFileName(), mb(archive));
            }
        } finally {
            FileTrees.delete(work);
        }
        System.out.println("AppCDS archives recorded with " + java + " (" + System.getProperty("java.vm.version")
                + " runs this tool); FC uses them only if its Java layer runs the same JVM build.");
    }

    /** The function {@code jar} as FC starts it, against {@code databaseUrl} (migrated), with a fresh secret key. */
    public static FunctionProcess.Launcher launcher(String function, Path jar, String databaseUrl, Path work) {
        return FunctionProcess.launcher(function, jar).databaseUrl(databaseUrl).dataDir(work.resolve("data"))
                .env("MIAOBU_BASE_DOMAIN", "example.com");
    }

    static double mb(Path file) throws java.io.IOException {
        return Files.size(file) / 1024.0 / 1024.0;
    }
}
