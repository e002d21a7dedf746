package io.miaobu.local.fc;

import io.miaobu.postgres.PostgresDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

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
        String java = System.getenv().getOrDefault("MIAOBU_CDS_JAVA", FcProcess.currentJava());
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
                FunctionTraining.record(java, jar, archive, environment(url, work), work.resolve(function + ".log"));
                System.out.printf("%-8s %s (%.1f MB) + %s (%.1f MB)%n", function, root.relativize(jar), mb(jar),
                        archive.getFileName(), mb(archive));
            }
        } finally {
            io.miaobu.build.FileTrees.delete(work);
        }
        System.out.println("AppCDS archives recorded with " + java + " (" + System.getProperty("java.vm.version")
                + " runs this tool); FC uses them only if its Java layer runs the same JVM build.");
    }

    /** What a function needs to start against {@code databaseUrl}, with a fresh secret key. */
    public static Map<String, String> environment(String databaseUrl, Path work) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Map.of("MIAOBU_DATABASE_URL", databaseUrl,
                "MIAOBU_SECRET_KEY", Base64.getEncoder().encodeToString(key),
                "MIAOBU_DATA_DIR", work.resolve("data").toString(),
                "MIAOBU_BASE_DOMAIN", "example.com");
    }

    static double mb(Path file) throws java.io.IOException {
        return Files.size(file) / 1024.0 / 1024.0;
    }
}
