package io.miaobu.fc;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AcsRoaClient;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.AliyunSettings;
import io.miaobu.config.FcSettings;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.SecretKeys;
import io.miaobu.aliyun.RamActions;
import io.miaobu.deploy.Deployment;
import io.miaobu.dynamic.EdgeTokens;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.projects.Project;
import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deployments' functions on Function Compute 3.0 (OpenAPI 2023-03-30), one FC function per deployment
 * and runtime (docs/functions.md "On Aliyun" says why not one per project with versions): the function
 * {@code {prefix}-{deploymentId}-{runtime}} on the custom runtime, with the official layer of its language,
 * whose bootstrap is the runtime's HTTP server on port 9000; a published version of it, frozen; and an
 * anonymous HTTP trigger on that version, whose URL is the backend the edge proxies to. The edge proves
 * itself with the deployment's {@link EdgeTokens edge token}, which rides in the backend URL's user info
 * (never in anything users see) and which the runtime checks. The function has no role: user code gets no
 * Aliyun credentials.
 *
 * <p>Every step is safe to repeat: a retried build finds the function, version and trigger its first
 * attempt made and reuses them. {@link #delete} removes what exists and treats "not found" as done.
 */
public final class FcFunctionHost implements FunctionHost {
    private static final Logger LOG = LoggerFactory.getLogger(FcFunctionHost.class);
    public static final String VERSION = "2023-03-30";
    static final String BASE = "/" + VERSION + "/functions";
    static final String TRIGGER = "http";
    /** The custom runtime on the newest Debian FC documents as generally available (custom.debian12 was in preview). */
    static final String RUNTIME = "custom.debian10";
    /** Where the runtimes listen: contract §2, and FC's default CAPort. */
    static final int PORT = 9000;
    /** FC limits: CreateFunctionInput (name 1-64 characters), "Environment variables" (4 KB in all, no FC_ prefix). */
    static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_-]{0,63}$");
    static final Pattern ENV_KEY = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    static final int ENV_BYTES = 4096;
    /** Code inlined as {@code code.zipFile} up to this size; bigger packages go through the bucket (FC reads up to 500 MB from OSS, 100 MB inline). */
    public static final long INLINE_LIMIT = 8L * 1024 * 1024;
    static final long OSS_LIMIT = 500L * 1024 * 1024;

    /** Every FC 3.0 operation this host sends, and the RAM action each needs (the FC API reference's authorization tables). */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("FC function host", "fc",
            "CreateFunction", "UpdateFunction", "GetFunction", "DeleteFunction",
            "PublishFunctionVersion", "ListFunctionVersions", "DeleteFunctionVersion",
            "ListAliases", "DeleteAlias",
            "CreateTrigger", "ListTriggers", "DeleteTrigger");

    /**
     * @param functionPrefix names the functions ({@code MIAOBU_FUNCTION_PREFIX})
     * @param timeoutSeconds FC's timeout for one request ({@code MIAOBU_FUNCTION_TIMEOUT_SECONDS})
     * @param memoryMb FC's memory ({@code MIAOBU_FUNCTION_MEMORY_MB}): 128 to 32768, a multiple of 64
     * @param layers per runtime, the official layer that provides its language (ARNs)
     * @param runtimesDir the folder holding {@code node/server.mjs} and {@code python/server.py}
     * @param pythonVersion the Python (X.Y) the Python layer provides ({@link FcSettings#pythonVersion}): builds install
     *                      dependencies for it and the bootstrap starts {@code python3.X}
     */
    public record Options(String functionPrefix, int timeoutSeconds, int memoryMb, Map<String, String> layers, Path runtimesDir,
                          String pythonVersion) {
        /** The default Python layer's version, for a host configured without one. */
        public static final String DEFAULT_PYTHON = "3.10";

        /** With the Python version the Python layer's name says ({@code Python312}: 3.12), else {@link #DEFAULT_PYTHON}. */
        public Options(String functionPrefix, int timeoutSeconds, int memoryMb, Map<String, String> layers, Path runtimesDir) {
            this(functionPrefix, timeoutSeconds, memoryMb, layers, runtimesDir, Optional.ofNullable(layers.get(FunctionManifest.PYTHON))
                    .flatMap(FcSettings::versionOfLayer).orElse(DEFAULT_PYTHON));
        }

        public Options {
            layers = Map.copyOf(layers);
            if (!pythonVersion.matches("3\\.\\d{1,2}")) {
                throw new IllegalArgumentException("the FC Python version must be major.minor, such as 3.10, got " + pythonVersion);
            }
            if (timeoutSeconds < 1 || timeoutSeconds > 86400) {
                throw new IllegalArgumentException("MIAOBU_FUNCTION_TIMEOUT_SECONDS must be 1 to 86400 on Function Compute, got " + timeoutSeconds);
            }
            if (memoryMb < 128 || memoryMb > 32768 || memoryMb % 64 != 0) {
                throw new IllegalArgumentException("MIAOBU_FUNCTION_MEMORY_MB must be a multiple of 64 from 128 to 32768 on Function Compute, got " + memoryMb);
            }
        }
    }

    /** Where packages too big to inline are uploaded: the platform's bucket, under {@code functions/}. */
    public record CodeBucket(String bucket, ArtifactStore store) {}

    private final AcsRoaClient fc;
    private final Optional<CodeBucket> code;
    private final EdgeTokens tokens;
    private final Options options;

    public FcFunctionHost(AcsRoaClient fc, Optional<CodeBucket> code, EdgeTokens tokens, Options options) {
        this.fc = fc;
        this.code = code;
        this.tokens = tokens;
        this.options = options;
    }

    /**
     * The host for this installation when FC's endpoint is known (MIAOBU_ALIYUN_ACCOUNT_ID and
     * MIAOBU_ALIYUN_REGION, or MIAOBU_FC_ENDPOINT); packages too big to inline go to MIAOBU_OSS_BUCKET
     * through {@code bucket}, when there is one.
     */
    public static Optional<FunctionHost> from(MiaobuConfig config, Supplier<AliyunCredentials> credentials,
                                              Optional<ArtifactStore> bucket) {
        AliyunSettings aliyun = config.aliyun();
        return aliyun.fcEndpointOrDefault().map(endpoint -> {
            FcSettings fc = aliyun.fc();
            Map<String, String> layers = new LinkedHashMap<>();
            fc.nodeLayer().ifPresent(l -> layers.put(FunctionManifest.NODE, l));
            fc.pythonLayer().ifPresent(l -> layers.put(FunctionManifest.PYTHON, l));
            Optional<CodeBucket> code = aliyun.ossBucket().flatMap(name -> bucket.map(store -> new CodeBucket(name, store)));
            return new FcFunctionHost(new AcsRoaClient("FC", endpoint, VERSION, credentials), code,
                    new EdgeTokens(SecretKeys.required(config.secretKey())),
                    new Options(aliyun.functionPrefix(), (int) config.functions().timeout().toSeconds(), config.functions().memoryMb(),
                            layers, config.functions().runtimesDir().orElse(Path.of("runtimes")),
                            fc.pythonVersion().orElse(Options.DEFAULT_PYTHON)));
        });
    }

    /** FC's Python, not the builder's: the Python bundler installs dependencies for it. */
    @Override
    public Optional<String> pythonVersion() {
        return Optional.of(options.pythonVersion());
    }

    /** The FC function of one deployment's runtime; FC allows 64 characters, so a long prefix is cut. */
    String functionName(String deploymentId, String runtime) {
        String tail = "-" + deploymentId + "-" + runtime;
        String prefix = options.functionPrefix();
        return prefix.substring(0, Math.min(prefix.length(), 64 - tail.length())) + tail;
    }

    @Override
    public Map<String, String> deploy(Project project, Deployment deployment, Path bundleDir, FunctionManifest manifest,
                                      Map<String, String> env) throws IOException {
        String token = tokens.forDeployment(deployment.id());
        Map<String, String> backends = new LinkedHashMap<>();
        for (String runtime : manifest.runtimes()) {
            String name = functionName(deployment.id(), runtime);
            Map<String, Object> function = function(name, project, deployment, runtime, manifest, environment(runtime, env, token),
                    code(bundleDir, project, deployment, runtime));
            JsonNode latest = createOrUpdate(name, function);
            String version = publishedVersion(name, deployment, latest);
            URI url = URI.create(trigger(name, version));
            // The token rides as the URL's user info: the edge moves it into x-miaobu-edge-token and never fetches with it.
            backends.put(runtime, url.getScheme() + "://edge:" + token + "@" + url.getRawAuthority()
                    + (url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "")));
            LOG.info("deployment {}: {} functions run as FC function {} version {}", deployment.id(), runtime, name, version);
        }
        return backends;
    }

    /** The function's variables: the deployment's, the runtime's (contract §2) and the edge token; FC's own rules checked here, with names. */
    Map<String, String> environment(String runtime, Map<String, String> deploymentEnv, String token) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        deploymentEnv.forEach((key, value) -> {
            if (!ENV_KEY.matcher(key).matches()) {
                problems.add(key + " (Function Compute takes names of letters, digits and _ that do not start with a digit)");
            } else if (key.toUpperCase(java.util.Locale.ROOT).startsWith("FC_")) {
                problems.add(key + " (Function Compute reserves the FC_ prefix)");
            } else {
                out.put(key, value);
            }
        });
        if (!problems.isEmpty()) {
            throw new IOException("these environment variables cannot reach functions on Function Compute; rename them: "
                    + String.join(", ", problems));
        }
        out.put("PORT", String.valueOf(PORT));
        out.put("HOST", "0.0.0.0");
        out.put("NODE_ENV", "production");
        out.putIfAbsent("TZ", "UTC");
        out.put("LANG", "C.UTF-8");
        out.put("HOME", "/tmp");
        // Official layers unpack under /opt: their interpreters' bin folders come first (FC's "Configure official public layers").
        out.put("PATH", "/opt/bin:/opt/nodejs20/bin:/opt/python" + options.pythonVersion() + "/bin:/usr/local/bin:/usr/bin:/bin");
        out.put(EdgeTokens.VARIABLE, token);
        int bytes = out.entrySet().stream().mapToInt(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
                + e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
        if (bytes > ENV_BYTES) {
            throw new IOException("the deployment's environment variables take " + bytes + " bytes with the runtime's own; Function "
                    + "Compute allows " + ENV_BYTES + " in all. Move large values (keys, certificates) to a store the function reads");
        }
        return out;
    }

    private Map<String, Object> function(String name, Project project, Deployment deployment, String runtime,
                                         FunctionManifest manifest, Map<String, String> env, Map<String, Object> codeLocation) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("functionName", name);
        body.put("description", "Miaobu " + project.slug() + " deployment " + deployment.id() + " (" + runtime + ")");
        body.put("runtime", RUNTIME);
        body.put("handler", "index.handler"); // required by the API, unused by a custom runtime
        body.put("code", codeLocation);
        body.put("timeout", options.timeoutSeconds());
        body.put("memorySize", options.memoryMb());
        body.put("diskSize", 512);
        body.put("internetAccess", true);
        // The Node server serves requests concurrently; a Python app may not be thread-safe, so one request per instance.
        body.put("instanceConcurrency", runtime.equals(FunctionManifest.NODE) ? 10 : 1);
        body.put("environmentVariables", env);
        Optional.ofNullable(options.layers().get(runtime)).ifPresent(layer -> body.put("layers", List.of(layer)));
        body.put("customRuntimeConfig", Map.of("command", List.of("/bin/sh", "-c", bootstrap(runtime, manifest, options.pythonVersion())),
                "port", PORT));
        return body;
    }

    /**
     * The command FC starts in {@code /code}: the runtime's server, or a Python app's own start command with the
     * bundle's packages importable (and their scripts, such as uvicorn, on PATH) as the local host gives it them.
     * Python is {@code python3.X} of the layer, never a bare {@code python3}: the custom runtime's Debian has its
     * own older one, for which the packages were not installed.
     */
    static String bootstrap(String runtime, FunctionManifest manifest, String pythonVersion) {
        FunctionManifest.App app = manifest.app();
        if (app != null && app.runtime().equals(runtime) && app.startCommand() != null && !app.startCommand().isBlank()) {
            return "cd /code/python/app && export PYTHONPATH=/code/python/packages:/code/python/app"
                    + " PATH=/code/python/packages/bin:$PATH && exec " + app.startCommand();
        }
        // The interpreter on PATH, else wherever an official layer unpacked one under /opt.
        return runtime.equals(FunctionManifest.PYTHON)
                ? "exec \"$(command -v python" + pythonVersion + " || ls /opt/python" + pythonVersion + "/bin/python3* | head -n 1)\" "
                        + "/code/runtimes/python/server.py /code"
                : "exec \"$(command -v node || ls /opt/nodejs*/bin/node | head -n 1)\" /code/runtimes/node/server.mjs /code";
    }

    private Map<String, Object> code(Path bundleDir, Project project, Deployment deployment, String runtime) throws IOException {
        Path zip = Files.createTempFile("miaobu-fc-", ".zip");
        try {
            long size = CodePackage.write(bundleDir, options.runtimesDir(), runtime, zip);
            if (size <= INLINE_LIMIT) {
                return Map.of("zipFile", Base64.getEncoder().encodeToString(Files.readAllBytes(zip)));
            }
            if (size > OSS_LIMIT) {
                throw new IOException("the " + runtime + " functions' package is " + size / (1024 * 1024) + " MB; Function Compute "
                        + "takes at most 500 MB. Leave large files out of the functions' dependencies");
            }
            CodeBucket bucket = code.orElseThrow(() -> new IOException("the " + runtime + " functions' package is " + size / (1024 * 1024)
                    + " MB, more than can be sent inline (" + INLINE_LIMIT / (1024 * 1024) + " MB); set MIAOBU_OSS_BUCKET so it is uploaded"));
            String key = codeKey(project.id(), deployment.id(), runtime);
            bucket.store().put(key, zip, "application/zip");
            return Map.of("ossBucketName", bucket.bucket(), "ossObjectName", key);
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    static String codeKey(String projectId, String deploymentId, String runtime) {
        return "functions/" + projectId + "/" + deploymentId + "/" + runtime + ".zip";
    }

    /** CreateFunction, or UpdateFunction with the same body when an earlier attempt created it; answers the function as FC now has it. */
    private JsonNode createOrUpdate(String name, Map<String, Object> function) {
        try {
            return fc.call("POST", "CreateFunction", BASE, Map.of(), function);
        } catch (AliyunApiException e) {
            if (e.status() != 409) {
                throw e;
            }
            Map<String, Object> update = new LinkedHashMap<>(function);
            update.remove("functionName");
            return fc.call("PUT", "UpdateFunction", BASE + "/" + name, Map.of(), update);
        }
    }

    /**
     * The version the trigger serves. Publishing freezes the code and configuration: nobody's later
     * UpdateFunction reaches the deployment's URL. An earlier attempt's version is reused when it holds
     * exactly what the function now has (same code checksum and variables); otherwise (the deployment's
     * variables changed between attempts) a new one is published: the deployment is not READY yet, so no
     * visitor is on the old one.
     */
    private String publishedVersion(String name, Deployment deployment, JsonNode latest) {
        JsonNode versions = fc.call("GET", "ListFunctionVersions", BASE + "/" + name + "/versions", Map.of("limit", "100"), null);
        for (JsonNode v : versions.path("versions")) {
            String id = v.path("versionId").asText();
            JsonNode published = fc.call("GET", "GetFunction", BASE + "/" + name, Map.of("qualifier", id), null);
            if (published.path("codeChecksum").equals(latest.path("codeChecksum"))
                    && published.path("environmentVariables").equals(latest.path("environmentVariables"))) {
                return id;
            }
            break; // only the newest can match: FC numbers versions upwards
        }
        JsonNode published = fc.call("POST", "PublishFunctionVersion", BASE + "/" + name + "/versions", Map.of(),
                Map.of("description", "deployment " + deployment.id()));
        return published.path("versionId").asText();
    }

    /** The HTTP trigger on {@code version}: anonymous (the runtime checks the edge token), every method the edge proxies. */
    private String trigger(String name, String version) {
        for (JsonNode t : fc.call("GET", "ListTriggers", BASE + "/" + name + "/triggers", Map.of("limit", "100"), null).path("triggers")) {
            if (t.path("triggerName").asText().equals(TRIGGER)) {
                if (t.path("qualifier").asText().equals(version)) {
                    return urlOf(t, name);
                }
                fc.call("DELETE", "DeleteTrigger", BASE + "/" + name + "/triggers/" + TRIGGER, Map.of(), null);
            }
        }
        Map<String, Object> config = Map.of("authType", "anonymous", "disableURLInternet", false,
                "methods", List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("triggerName", TRIGGER);
        body.put("triggerType", "http");
        body.put("qualifier", version);
        body.put("description", "the Miaobu edge's way in");
        body.put("triggerConfig", io.miaobu.json.Json.writeString(config));
        return urlOf(fc.call("POST", "CreateTrigger", BASE + "/" + name + "/triggers", Map.of(), body), name);
    }

    private static String urlOf(JsonNode trigger, String name) {
        String url = trigger.path("httpTrigger").path("urlInternet").asText("");
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw new AliyunApiException("CreateTrigger", 200, "NoTriggerUrl", "FC answered no urlInternet for the HTTP trigger of "
                    + name + "; the edge has nowhere to send its requests", null, null);
        }
        return url;
    }

    @Override
    public void delete(Deployment deployment) {
        for (String runtime : List.of(FunctionManifest.NODE, FunctionManifest.PYTHON)) {
            String name = functionName(deployment.id(), runtime);
            try {
                deleteFunction(name);
            } catch (RuntimeException e) {
                LOG.warn("deployment {}: could not delete FC function {} (the next cleanup tries again): {}", deployment.id(), name, e.getMessage());
            }
        }
        code.ifPresent(bucket -> {
            try {
                bucket.store().deletePrefix("functions/" + deployment.projectId() + "/" + deployment.id() + "/");
            } catch (IOException | RuntimeException e) {
                LOG.warn("deployment {}: could not delete its function packages: {}", deployment.id(), e.getMessage());
            }
        });
    }

    /** Triggers, aliases (an operator's), versions, then the function: FC keeps a version an alias points at. */
    private void deleteFunction(String name) {
        String base = BASE + "/" + name;
        try {
            fc.get("GetFunction", base);
        } catch (AliyunApiException e) {
            if (e.status() == 404) {
                return;
            }
            throw e;
        }
        for (JsonNode t : gone(() -> fc.call("GET", "ListTriggers", base + "/triggers", Map.of("limit", "100"), null)).path("triggers")) {
            gone(() -> fc.call("DELETE", "DeleteTrigger", base + "/triggers/" + t.path("triggerName").asText(), Map.of(), null));
        }
        for (JsonNode a : gone(() -> fc.call("GET", "ListAliases", base + "/aliases", Map.of("limit", "100"), null)).path("aliases")) {
            gone(() -> fc.call("DELETE", "DeleteAlias", base + "/aliases/" + a.path("aliasName").asText(), Map.of(), null));
        }
        for (JsonNode v : gone(() -> fc.call("GET", "ListFunctionVersions", base + "/versions", Map.of("limit", "100"), null)).path("versions")) {
            gone(() -> fc.call("DELETE", "DeleteFunctionVersion", base + "/versions/" + v.path("versionId").asText(), Map.of(), null));
        }
        gone(() -> fc.call("DELETE", "DeleteFunction", base, Map.of(), null));
    }

    /** Runs a call for which "not found" means done (someone, or an earlier attempt, deleted it already). */
    private static JsonNode gone(java.util.function.Supplier<JsonNode> call) {
        try {
            return call.get();
        } catch (AliyunApiException e) {
            if (e.status() == 404) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            throw e;
        }
    }
}
