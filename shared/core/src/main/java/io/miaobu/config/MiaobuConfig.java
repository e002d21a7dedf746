package io.miaobu.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting Miaobu reads, from {@code MIAOBU_*} environment variables, in this one place.
 * docs/configuration.md lists each variable; keep the two in step.
 */
public record MiaobuConfig(
        int port,
        Path dataDir,
        String baseDomain,
        Optional<String> databaseUrl,
        Optional<String> secretKey,
        Duration sessionTtl,
        Duration buildTimeout,
        int buildConcurrency,
        Path buildDir,
        String siteScheme,
        Optional<Integer> sitePort,
        boolean allowLocalRepositories,
        int maxOutputFiles,
        long maxOutputBytes,
        String nodeCommand,
        Optional<String> publicUrl,
        GitHubSettings github,
        BuildSettings build,
        DomainSettings domains,
        EdgeSettings edge,
        AliyunSettings aliyun,
        LimitSettings limits,
        RetentionSettings retention,
        FunctionSettings functions) {

    /**
     * Build settings of issue 4 (DESIGN §6).
     *
     * @param sandbox how builds are contained
     * @param npmRegistry the registry mirror every install uses unless the project names its own
     * @param nodeVersionsDir Node.js versions installed side by side as {dir}/{major}/bin/node
     * @param cacheDir where the build cache lives on disk; empty: local mode uses {data}/build-cache,
     *                 functions keep archives in the ArtifactStore
     * @param cacheMode "auto" (as above), "store" (always archives in the ArtifactStore) or "off"
     * @param pipIndexUrl the package index (PEP 503) Python dependencies are installed from, unless the project sets
     *                    PIP_INDEX_URL; empty: pip's default
     */
    public record BuildSettings(SandboxSettings sandbox, Optional<String> npmRegistry, Optional<Path> nodeVersionsDir,
                                long maxLogBytes, long maxCacheBytes, Optional<Path> cacheDir, String cacheMode,
                                Optional<String> pipIndexUrl) {}

    public String buildCacheMode() {
        return build.cacheMode();
    }

    public Optional<Path> buildCacheDir() {
        return build.cacheDir();
    }

    public Optional<String> npmRegistry() {
        return build.npmRegistry();
    }

    public Optional<String> pipIndexUrl() {
        return build.pipIndexUrl();
    }

    public Optional<Path> nodeVersionsDir() {
        return build.nodeVersionsDir();
    }

    public SandboxSettings sandbox() {
        return build.sandbox();
    }

    public long maxLogBytes() {
        return build.maxLogBytes();
    }

    public long maxBuildCacheBytes() {
        return build.maxCacheBytes();
    }

    public static MiaobuConfig fromEnv(Map<String, String> env) {
        Reader r = new Reader(env);
        Path dataDir = Path.of(r.string("MIAOBU_DATA_DIR", ".miaobu")).toAbsolutePath().normalize();
        String baseDomain = r.string("MIAOBU_BASE_DOMAIN", "localhost").toLowerCase(Locale.ROOT);
        boolean localBase = baseDomain.equals("localhost") || baseDomain.endsWith(".localhost");
        return new MiaobuConfig(
                r.integer("MIAOBU_PORT", 8080, 0, 65535),
                dataDir,
                baseDomain,
                r.optional("MIAOBU_DATABASE_URL"),
                r.optional("MIAOBU_SECRET_KEY"),
                Duration.ofHours(r.integer("MIAOBU_SESSION_HOURS", 168, 1, 24 * 365)),
                Duration.ofMinutes(r.integer("MIAOBU_BUILD_TIMEOUT_MINUTES", 15, 1, 24 * 60)),
                r.integer("MIAOBU_BUILD_CONCURRENCY", 2, 1, 64),
                Path.of(r.string("MIAOBU_BUILD_DIR", dataDir.resolve("builds").toString())).toAbsolutePath(),
                r.string("MIAOBU_SITE_SCHEME", localBase ? "http" : "https"),
                r.optional("MIAOBU_SITE_PORT").map(v -> r.integer("MIAOBU_SITE_PORT", 0, 1, 65535)),
                r.bool("MIAOBU_ALLOW_LOCAL_REPOSITORIES", localBase),
                r.integer("MIAOBU_MAX_OUTPUT_FILES", 20_000, 1, 1_000_000),
                (long) r.integer("MIAOBU_MAX_OUTPUT_MB", 1024, 1, 1_000_000) * 1024 * 1024,
                r.string("MIAOBU_NODE", "node"),
                r.optional("MIAOBU_PUBLIC_URL").map(v -> GitHubSettings.baseUrl("MIAOBU_PUBLIC_URL", v)),
                GitHubSettings.fromEnv(r::optional),
                new BuildSettings(
                        sandbox(r),
                        r.optional("MIAOBU_NPM_REGISTRY").map(v -> registry(v)),
                        r.optional("MIAOBU_NODE_VERSIONS_DIR").map(v -> Path.of(v).toAbsolutePath()),
                        (long) r.integer("MIAOBU_MAX_LOG_MB", 10, 1, 1024) * 1024 * 1024,
                        (long) r.integer("MIAOBU_BUILD_CACHE_MB", 1024, 1, 100_000) * 1024 * 1024,
                        r.optional("MIAOBU_BUILD_CACHE_DIR").map(v -> Path.of(v).toAbsolutePath()),
                        r.choice("MIAOBU_BUILD_CACHE", "auto", "auto", "store", "off"),
                        r.optional("MIAOBU_PIP_INDEX_URL").map(MiaobuConfig::pipIndex)),
                DomainSettings.fromEnv(r::optional, baseDomain),
                EdgeSettings.fromEnv(r::optional),
                AliyunSettings.fromEnv(r::optional),
                limits(r),
                new RetentionSettings(r.integer("MIAOBU_RETENTION_DAYS", 0, 0, 36_500), r.integer("MIAOBU_RETENTION_KEEP", 20, 1, 1_000_000)),
                functions(r));
    }

    private static FunctionSettings functions(Reader r) {
        FunctionSettings d = FunctionSettings.DEFAULTS;
        int memory = r.integer("MIAOBU_FUNCTION_MEMORY_MB", d.memoryMb(), 128, 32_768);
        if (memory % 64 != 0) {
            // Function Compute's rule; local workers follow it too, so a setting means the same in both.
            throw new ConfigException("MIAOBU_FUNCTION_MEMORY_MB must be a multiple of 64 from 128 to 32768 (Function Compute's rule), got " + memory);
        }
        return new FunctionSettings(
                Duration.ofSeconds(r.integer("MIAOBU_FUNCTION_TIMEOUT_SECONDS", (int) d.timeout().toSeconds(), 1, 900)),
                memory,
                Duration.ofSeconds(r.integer("MIAOBU_FUNCTION_IDLE_SECONDS", (int) d.idle().toSeconds(), 1, 24 * 3600)),
                r.optional("MIAOBU_FUNCTION_RUNTIMES_DIR").map(v -> Path.of(v).toAbsolutePath().normalize()));
    }

    private static LimitSettings limits(Reader r) {
        LimitSettings d = LimitSettings.DEFAULTS;
        return new LimitSettings(
                Duration.ofSeconds(r.integer("MIAOBU_HTTP_REQUEST_TIMEOUT_SECONDS", (int) d.requestTimeout().toSeconds(), 1, 3600)),
                r.integer("MIAOBU_HTTP_MAX_CONNECTIONS", d.maxConnections(), 16, 1_000_000),
                r.integer("MIAOBU_HTTP_MAX_THREADS", d.maxThreads(), 8, 100_000),
                r.integer("MIAOBU_HTTP_MAX_ACTIVE", d.maxActive(), 1, 100_000),
                Duration.ofMillis(r.integer("MIAOBU_HTTP_QUEUE_WAIT_MS", (int) d.queueWait().toMillis(), 0, 60_000)),
                r.integer("MIAOBU_LOGIN_ATTEMPTS", d.loginAttempts(), 1, 1_000_000),
                Duration.ofMinutes(r.integer("MIAOBU_LOGIN_WINDOW_MINUTES", (int) d.loginWindow().toMinutes(), 1, 24 * 60)),
                r.integer("MIAOBU_REGISTRATIONS_PER_HOUR", d.registrations(), 1, 1_000_000),
                r.integer("MIAOBU_HOOK_TRIGGERS_PER_MINUTE", d.hookTriggers(), 1, 1_000_000));
    }

    /** Where browsers and GitHub reach the platform: MIAOBU_PUBLIC_URL, else this machine's own port. */
    public String publicBaseUrl() {
        return publicUrl.orElse("http://localhost:" + port);
    }

    private static SandboxSettings sandbox(Reader r) {
        int[] uids = SandboxSettings.uidRange(r.string("MIAOBU_BUILD_UIDS", SandboxSettings.DEFAULT_UIDS));
        return new SandboxSettings(r.choice("MIAOBU_BUILD_SANDBOX", "auto", "auto", "namespaces", "uid"), uids[0], uids[1],
                r.integer("MIAOBU_BUILD_MAX_PROCESSES", 1024, 16, 1_000_000),
                r.integer("MIAOBU_BUILD_MEMORY_MB", 4096, 64, 1_000_000),
                r.integer("MIAOBU_BUILD_CPU_SECONDS", 3600, 10, 10_000_000),
                r.integer("MIAOBU_BUILD_MAX_FILE_MB", 2048, 1, 1_000_000));
    }

    private static String registry(String value) {
        if (!value.matches("https?://[^\\s'\"]+")) {
            throw new ConfigException("MIAOBU_NPM_REGISTRY must be an http(s) URL such as https://registry.npmmirror.com, got \"" + value + "\"");
        }
        return value.endsWith("/") ? value : value + "/";
    }

    private static String pipIndex(String value) {
        if (!value.matches("https?://[^\\s'\"]+")) {
            throw new ConfigException("MIAOBU_PIP_INDEX_URL must be an http(s) URL of a package index such as "
                    + "https://mirrors.aliyun.com/pypi/simple/, got \"" + value + "\"");
        }
        return value;
    }

    public MiaobuConfig withPort(int newPort) {
        return new MiaobuConfig(newPort, dataDir, baseDomain, databaseUrl, secretKey, sessionTtl, buildTimeout,
                buildConcurrency, buildDir, siteScheme, sitePort, allowLocalRepositories, maxOutputFiles,
                maxOutputBytes, nodeCommand, publicUrl, github, build, domains, edge, aliyun, limits, retention, functions);
    }

    public MiaobuConfig withSitePort(int newSitePort) {
        return new MiaobuConfig(port, dataDir, baseDomain, databaseUrl, secretKey, sessionTtl, buildTimeout,
                buildConcurrency, buildDir, siteScheme, Optional.of(newSitePort), allowLocalRepositories,
                maxOutputFiles, maxOutputBytes, nodeCommand, publicUrl, github, build, domains, edge, aliyun, limits, retention, functions);
    }

    /** Reads typed values and fails at start-up with the variable's name when one is malformed. */
    private record Reader(Map<String, String> env) {
        Optional<String> optional(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String string(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        int integer(String name, int fallback, int min, int max) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            try {
                int value = Integer.parseInt(raw.get());
                if (value < min || value > max) {
                    throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new ConfigException(name + " must be a whole number, got \"" + raw.get() + "\"");
            }
        }

        String choice(String name, String fallback, String... allowed) {
            String value = string(name, fallback).toLowerCase(Locale.ROOT);
            if (!java.util.Arrays.asList(allowed).contains(value)) {
                throw new ConfigException(name + " must be one of " + String.join(", ", allowed) + ", got \"" + value + "\"");
            }
            return value;
        }

        boolean bool(String name, boolean fallback) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            return switch (raw.get().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new ConfigException(name + " must be true or false, got \"" + raw.get() + "\"");
            };
        }
    }
}
