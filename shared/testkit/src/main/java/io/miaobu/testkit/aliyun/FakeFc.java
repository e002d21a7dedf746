package io.miaobu.testkit.aliyun;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.miaobu.aliyun.AliyunCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Function Compute 3.0's OpenAPI (version 2023-03-30, ROA style) for tests, as the official
 * {@code fc20230330} SDK calls it and the API reference documents it: functions
 * ({@code POST /2023-03-30/functions} CreateFunction, {@code GET|PUT|DELETE /2023-03-30/functions/{name}}),
 * versions ({@code POST|GET …/versions} PublishFunctionVersion/ListFunctionVersions, {@code DELETE …/versions/{id}}),
 * aliases ({@code POST|GET …/aliases}, {@code GET|PUT|DELETE …/aliases/{name}}), triggers
 * ({@code POST|GET …/triggers}, {@code DELETE …/triggers/{name}}), {@code GET /2023-03-30/custom-domains/{domainName}}
 * and {@code GET /2023-03-30/layerarn/{arn}} (GetLayerVersionByArn, the ARN percent-encoded).
 * Like the real endpoint it accepts only the V3 signature (ACS3-HMAC-SHA256, checked by {@link FakeAliyunRpc})
 * with {@code x-acs-version: 2023-03-30} and an {@code x-acs-action} that names the operation of the path, and
 * answers errors as {@code {"Code","Message","RequestId"}}.
 *
 * <p>It refuses what the documentation refuses: function names (CreateFunctionInput: a letter or _, then
 * letters, digits, _ and -, at most 64), unknown runtimes, memory outside 128-32768 MB or not a multiple of 64,
 * timeouts outside 1-86400 s, disk other than 512 or 10240 MB (CreateFunctionInput); environment variable names
 * with the reserved {@code FC_} prefix or more than 4 KB of variables ("Environment variables"); inline code
 * that is not a ZIP or over 100 MB once Base64-encoded, more than 50 triggers per function ("Limits");
 * deleting a version an alias points at ("Manage versions": remove the alias first). Versions are numbered
 * 1, 2, ... and never reused ("Manage versions").
 *
 * <p>Each HTTP trigger gets its own loopback server, as each real one gets its own {@code *.fcapp.run} host.
 * A request there is answered, as the function's runtime would be reached, with a JSON echo of what arrived
 * (method, path, headers, body) and which function version answered; {@link #invocations()} lists them.
 */
public final class FakeFc extends FakeAliyunRpc {
    public static final String VERSION = "2023-03-30";
    private static final Pattern FUNCTION = Pattern.compile("^/2023-03-30/functions/([^/]+)(?:/(versions|aliases|triggers)(?:/([^/]+))?)?$");
    private static final Pattern DOMAIN = Pattern.compile("^/2023-03-30/custom-domains/([A-Za-z0-9.*-]+)$");
    private static final Pattern LAYER_ARN = Pattern.compile("^/2023-03-30/layerarn/([^/]+)$");
    private static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_-]{0,63}$");
    private static final Pattern TRIGGER_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_-]{0,127}$");
    private static final Pattern ENV_KEY = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
    private static final Pattern LAYER = Pattern.compile("^acs:fc:[a-z0-9-]+:(official|[0-9]+):layers/[A-Za-z0-9_-]+/versions/[0-9]+$");
    /** devsapp/fc3 schema IRuntime, the runtimes CreateFunction accepts. */
    private static final Set<String> RUNTIMES = Set.of("custom", "custom-container", "custom.debian10", "custom.debian11",
            "custom.debian12", "nodejs12", "nodejs14", "nodejs16", "nodejs18", "nodejs20", "python3", "python3.9", "python3.10",
            "python3.12", "java8", "java11", "go1", "php7.2", "dotnetcore3.1");
    private static final Set<String> TRIGGER_TYPES = Set.of("http", "timer", "oss", "log", "mns_topic", "cdn_events", "tablestore", "eventbridge");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH");
    private static final int MAX_TRIGGERS = 50;
    private static final int MAX_ENV_BYTES = 4096;
    private static final long MAX_INLINE_BASE64 = 100L * 1024 * 1024;

    /** One route of a custom domain: a path ({@code /api/*}) to a function. */
    public record Route(String path, String functionName) {}

    /** One request that reached an HTTP trigger: the function and version that answered it, and what arrived. */
    public record Invocation(String functionName, String qualifier, String versionId, String method, String target,
                             Map<String, String> headers, byte[] body) {}

    private static final class Fn {
        final Map<String, Object> config = new LinkedHashMap<>();
        final Map<String, Map<String, Object>> versions = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        final Map<String, String> aliases = new LinkedHashMap<>();
        final Map<String, Trigger> triggers = new LinkedHashMap<>();
        Map<String, Object> code;
        final Map<String, Map<String, Object>> versionCode = new ConcurrentHashMap<>();
        int lastVersion;
    }

    private final class Trigger {
        final Map<String, Object> json = new LinkedHashMap<>();
        private HttpServer server;

        /** @param function null for a trigger listed only (seeded for the doctor), which serves nothing */
        Trigger(String function, Map<String, Object> body, Map<String, Object> config) throws IOException {
            json.putAll(body);
            json.put("triggerId", UUID.randomUUID().toString());
            json.put("status", "OK");
            json.put("createdTime", Instant.now().toString());
            if (function != null && "http".equals(body.get("triggerType"))) {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                String url = "http://127.0.0.1:" + server.getAddress().getPort();
                json.put("httpTrigger", Map.of("urlInternet", url, "urlIntranet", url));
                String qualifier = String.valueOf(body.getOrDefault("qualifier", "LATEST"));
                server.createContext("/", exchange -> invoke(exchange, function, qualifier, config));
                server.start();
            }
        }

        void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    private final Map<String, Fn> functions = new ConcurrentHashMap<>();
    private final Map<String, List<Route>> domains = new ConcurrentHashMap<>();
    private final Map<String, List<String>> layers = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Invocation> invocations = new CopyOnWriteArrayList<>();
    private volatile int maxVersions = 100;
    private volatile boolean run;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    /** One running instance of a function version: its unpacked code and its process, listening on its port. */
    private record Instance(Path code, Process process, int port) {}

    public FakeFc(AliyunCredentials credentials) {
        super(VERSION, credentials);
    }

    /** A function on the custom runtime with this timeout and the given triggers ({@code name:type}, e.g. {@code http:http}). */
    public FakeFc function(String name, int timeoutSeconds, String... triggersNameType) {
        Fn fn = new Fn();
        fn.config.put("functionName", name);
        fn.config.put("functionArn", "acs:fc:cn-hangzhou:1234567890:functions/" + name);
        fn.config.put("runtime", "custom.debian10");
        fn.config.put("timeout", timeoutSeconds);
        fn.config.put("state", "Active");
        fn.config.put("lastUpdateStatus", "Successful");
        for (String t : triggersNameType) {
            String[] nt = t.split(":", 2);
            fn.triggers.put(nt[0], listedTrigger(nt[0], nt[1]));
        }
        functions.put(name, fn);
        return this;
    }

    private Trigger listedTrigger(String name, String type) {
        try {
            return new Trigger(null, Map.of("triggerName", name, "triggerType", type, "qualifier", "LATEST"), Map.of());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public FakeFc removeFunction(String name) {
        Fn fn = functions.remove(name);
        if (fn != null) {
            fn.triggers.values().forEach(Trigger::stop);
        }
        return this;
    }

    /** A layer version that exists ({@code acs:fc:{region}:official:layers/Nodejs20/versions/1}), for these runtimes. */
    public FakeFc layer(String arn, String... compatibleRuntimes) {
        layers.put(arn, List.of(compatibleRuntimes));
        return this;
    }

    public FakeFc customDomain(String domainName, List<Route> routes) {
        domains.put(domainName.toLowerCase(Locale.ROOT), List.copyOf(routes));
        return this;
    }

    /** A version quota other than 100 (FC 2.0 documented 100 per service; FC 3.0's per-function figure is not published). */
    public FakeFc maxVersions(int max) {
        this.maxVersions = max;
        return this;
    }

    /**
     * Triggers start the function as FC does instead of echoing: the version's inline code unpacked to a
     * directory standing for {@code /code} (each {@code /code} in customRuntimeConfig.command is replaced by it),
     * the command started there with the version's variables and {@code FC_CUSTOM_LISTEN_PORT}, and requests
     * forwarded to that port. Needs the command's interpreter on this machine's PATH, which is appended to the
     * function's own.
     */
    public FakeFc runFunctions() {
        this.run = true;
        return this;
    }

    /** Requests served, as {@code "GetFunction /2023-03-30/functions/x"}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public List<Invocation> invocations() {
        return List.copyOf(invocations);
    }

    public Set<String> functionNames() {
        return Set.copyOf(functions.keySet());
    }

    /** The function's configuration as CreateFunction/UpdateFunction left it (LATEST), or null. */
    public Map<String, Object> function(String name) {
        Fn fn = functions.get(name);
        return fn == null ? null : Map.copyOf(fn.config);
    }

    /** Published version ids, oldest first. */
    public List<String> versions(String name) {
        Fn fn = functions.get(name);
        return fn == null ? List.of() : List.copyOf(fn.versions.keySet());
    }

    public Map<String, String> aliases(String name) {
        Fn fn = functions.get(name);
        return fn == null ? Map.of() : Map.copyOf(fn.aliases);
    }

    /** An alias someone (an operator, in the console) points at a version. */
    public void alias(String function, String alias, String versionId) {
        functions.get(function).aliases.put(alias, versionId);
    }

    /** The configuration of an HTTP-reachable function as a trigger's qualifier resolves it. */
    public List<Map<String, Object>> triggers(String name) {
        Fn fn = functions.get(name);
        return fn == null ? List.of() : fn.triggers.values().stream().map(t -> Map.copyOf(t.json)).toList();
    }

    /** Someone changes the function's LATEST configuration (in the console, say); published versions keep theirs. */
    public void tamper(String name, String key, Object value) {
        functions.get(name).config.put(key, value);
    }

    @Override
    protected Map<String, Object> handle(String action, Map<String, String> params) {
        throw new RpcError(404, "InvalidAction.NotFound", "FC 3.0 is a ROA API: call its REST paths, not the RPC root.");
    }

    @Override
    protected void other(HttpExchange exchange, byte[] body) throws IOException {
        try {
            Call call = authenticateRoa(exchange, body);
            String path = exchange.getRequestURI().getRawPath();
            String action = operation(exchange.getRequestMethod(), path);
            if (!action.equals(call.action())) {
                throw new RpcError(400, "InvalidAction", "x-acs-action " + call.action() + " does not match "
                        + exchange.getRequestMethod() + " " + path + " (" + action + ").");
            }
            accepted(call);
            requests.add(call.action() + " " + path);
            Object answer;
            synchronized (this) {
                answer = answer(action, path, body, form(exchange.getRequestURI().getRawQuery()));
            }
            if (answer == null) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                respond(exchange, 200, answer);
            }
        } catch (RpcError e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("Code", e.code);
            error.put("Message", e.getMessage());
            error.put("RequestId", "1-" + UUID.randomUUID());
            respond(exchange, e.status, error);
        }
    }

    /** The API operation a method and path are, as the API reference names them. */
    private static String operation(String method, String path) {
        if (path.equals("/2023-03-30/functions")) {
            return method.equals("POST") ? "CreateFunction" : "ListFunctions";
        }
        if (DOMAIN.matcher(path).matches()) {
            return "GetCustomDomain";
        }
        if (LAYER_ARN.matcher(path).matches() && method.equals("GET")) {
            return "GetLayerVersionByArn";
        }
        Matcher m = FUNCTION.matcher(path);
        if (!m.matches()) {
            throw new RpcError(404, "NotFound", "FakeFc does not serve " + path);
        }
        String sub = m.group(2);
        boolean item = m.group(3) != null;
        String op = sub == null ? switch (method) {
            case "GET" -> "GetFunction";
            case "PUT" -> "UpdateFunction";
            case "DELETE" -> "DeleteFunction";
            default -> null;
        } : switch (sub + (item ? "/" : "") + " " + method) {
            case "versions POST" -> "PublishFunctionVersion";
            case "versions GET" -> "ListFunctionVersions";
            case "versions/ DELETE" -> "DeleteFunctionVersion";
            case "aliases POST" -> "CreateAlias";
            case "aliases GET" -> "ListAliases";
            case "aliases/ GET" -> "GetAlias";
            case "aliases/ PUT" -> "UpdateAlias";
            case "aliases/ DELETE" -> "DeleteAlias";
            case "triggers POST" -> "CreateTrigger";
            case "triggers GET" -> "ListTriggers";
            case "triggers/ GET" -> "GetTrigger";
            case "triggers/ DELETE" -> "DeleteTrigger";
            default -> null;
        };
        if (op == null) {
            throw new RpcError(405, "MethodNotAllowed", method + " " + path + " is not an FC 3.0 operation.");
        }
        return op;
    }

    private Object answer(String action, String path, byte[] body, Map<String, String> query) {
        if (action.equals("CreateFunction")) {
            return createFunction(json(body));
        }
        if (action.equals("GetCustomDomain")) {
            Matcher d = DOMAIN.matcher(path);
            d.matches();
            List<Route> routes = domains.get(d.group(1).toLowerCase(Locale.ROOT));
            if (routes == null) {
                throw new RpcError(404, "DomainNameNotFound", "domain name '" + d.group(1) + "' does not exist");
            }
            List<Map<String, Object>> out = routes.stream().map(r -> Map.<String, Object>of("path", r.path(),
                    "functionName", r.functionName(), "qualifier", "LATEST")).toList();
            return Map.of("domainName", d.group(1), "protocol", "HTTP,HTTPS", "routeConfig", Map.of("routes", out));
        }
        if (action.equals("GetLayerVersionByArn")) {
            Matcher l = LAYER_ARN.matcher(path);
            l.matches();
            String arn = java.net.URLDecoder.decode(l.group(1), StandardCharsets.UTF_8);
            List<String> runtimes = layers.get(arn);
            if (runtimes == null) {
                throw new RpcError(404, "LayerNotFound", "layer version '" + arn + "' does not exist");
            }
            return Map.of("layerVersionArn", arn, "compatibleRuntime", runtimes, "acl", "1");
        }
        if (action.equals("ListFunctions")) {
            return Map.of("functions", functions.values().stream().map(f -> f.config).toList(), "nextToken", "");
        }
        Matcher m = FUNCTION.matcher(path);
        m.matches();
        String name = m.group(1);
        String item = m.group(3);
        Fn fn = functions.get(name);
        if (fn == null) {
            throw new RpcError(404, "FunctionNotFound", "function '" + name + "' does not exist");
        }
        return switch (action) {
            case "GetFunction" -> {
                // GetFunction's qualifier: LATEST (the default), a version, or an alias resolving to one.
                String qualifier = query.getOrDefault("qualifier", "LATEST");
                if (qualifier.equals("LATEST")) {
                    yield fn.config;
                }
                Map<String, Object> version = fn.versions.get(fn.aliases.getOrDefault(qualifier, qualifier));
                if (version == null) {
                    throw new RpcError(404, "VersionNotFound", "qualifier '" + qualifier + "' of function '" + name + "' does not exist");
                }
                yield version;
            }
            case "UpdateFunction" -> updateFunction(fn, json(body));
            case "DeleteFunction" -> {
                fn.triggers.values().forEach(Trigger::stop);
                instances.entrySet().removeIf(e -> {
                    boolean ours = e.getKey().startsWith(name + ":");
                    if (ours) {
                        e.getValue().process().destroyForcibly();
                    }
                    return ours;
                });
                functions.remove(name);
                yield null;
            }
            case "PublishFunctionVersion" -> publish(fn, json(body));
            case "ListFunctionVersions" -> {
                List<Map<String, Object>> newestFirst = new ArrayList<>(fn.versions.values());
                java.util.Collections.reverse(newestFirst);
                yield Map.of("versions", newestFirst.stream().map(v -> Map.of("versionId", v.get("versionId"),
                        "description", v.get("versionDescription"), "createdTime", v.get("versionCreatedTime"))).toList(),
                        "direction", "BACKWARD", "nextToken", "");
            }
            case "DeleteFunctionVersion" -> {
                if (!fn.versions.containsKey(item)) {
                    throw new RpcError(404, "VersionNotFound", "version '" + item + "' of function '" + name + "' does not exist");
                }
                fn.aliases.forEach((alias, version) -> {
                    if (version.equals(item)) {
                        throw new RpcError(400, "InvalidArgument", "version " + item + " is referenced by alias '" + alias
                                + "'; delete or repoint the alias first");
                    }
                });
                fn.versions.remove(item);
                yield null;
            }
            case "CreateAlias" -> {
                Map<String, Object> in = json(body);
                String alias = String.valueOf(in.get("aliasName"));
                if (fn.aliases.containsKey(alias)) {
                    throw new RpcError(409, "AliasAlreadyExists", "alias '" + alias + "' already exists");
                }
                String version = existingVersion(fn, String.valueOf(in.get("versionId")));
                fn.aliases.put(alias, version);
                yield Map.of("aliasName", alias, "versionId", version);
            }
            case "ListAliases" -> Map.of("aliases", fn.aliases.entrySet().stream()
                    .map(e -> Map.of("aliasName", e.getKey(), "versionId", e.getValue())).toList(), "nextToken", "");
            case "GetAlias", "UpdateAlias", "DeleteAlias" -> {
                if (!fn.aliases.containsKey(item)) {
                    throw new RpcError(404, "AliasNotFound", "alias '" + item + "' does not exist");
                }
                if (action.equals("DeleteAlias")) {
                    fn.aliases.remove(item);
                    yield null;
                }
                if (action.equals("UpdateAlias")) {
                    fn.aliases.put(item, existingVersion(fn, String.valueOf(json(body).get("versionId"))));
                }
                yield Map.of("aliasName", item, "versionId", fn.aliases.get(item));
            }
            case "CreateTrigger" -> createTrigger(name, fn, json(body));
            case "ListTriggers" -> Map.of("triggers", fn.triggers.values().stream().map(t -> t.json).toList(), "nextToken", "");
            case "GetTrigger", "DeleteTrigger" -> {
                Trigger t = fn.triggers.get(item);
                if (t == null) {
                    throw new RpcError(404, "TriggerNotFound", "trigger '" + item + "' does not exist");
                }
                if (action.equals("GetTrigger")) {
                    yield t.json;
                }
                t.stop();
                fn.triggers.remove(item);
                yield null;
            }
            default -> throw new RpcError(404, "NotFound", action);
        };
    }

    private Map<String, Object> createFunction(Map<String, Object> in) {
        String name = String.valueOf(in.get("functionName"));
        if (!NAME.matcher(name).matches()) {
            throw new RpcError(400, "InvalidArgument", "functionName '" + name + "' must start with a letter or _, hold letters, "
                    + "digits, _ and -, and be at most 64 characters");
        }
        if (functions.containsKey(name)) {
            throw new RpcError(409, "FunctionAlreadyExists", "function '" + name + "' already exists");
        }
        for (String required : List.of("runtime", "handler", "code")) {
            if (in.get(required) == null) {
                throw new RpcError(400, "MissingParameter", required + " is mandatory for CreateFunction");
            }
        }
        Fn fn = new Fn();
        fn.config.put("functionName", name);
        fn.config.put("functionArn", "acs:fc:cn-hangzhou:1234567890:functions/" + name);
        fn.config.put("functionId", UUID.randomUUID().toString());
        fn.config.put("memorySize", 512);
        fn.config.put("timeout", 3);
        fn.config.put("diskSize", 512);
        apply(fn, in);
        fn.config.put("state", "Active");
        fn.config.put("lastUpdateStatus", "Successful");
        functions.put(name, fn);
        return fn.config;
    }

    private Map<String, Object> updateFunction(Fn fn, Map<String, Object> in) {
        if (in.containsKey("functionName")) {
            throw new RpcError(400, "InvalidArgument", "functionName cannot be changed by UpdateFunction");
        }
        apply(fn, in);
        return fn.config;
    }

    @SuppressWarnings("unchecked")
    private static void apply(Fn fn, Map<String, Object> in) {
        Map<String, Object> next = new LinkedHashMap<>(fn.config);
        next.putAll(in);
        String runtime = String.valueOf(next.get("runtime"));
        if (!RUNTIMES.contains(runtime)) {
            throw new RpcError(400, "InvalidArgument", "runtime '" + runtime + "' is not supported");
        }
        int memory = ((Number) next.get("memorySize")).intValue();
        if (memory < 128 || memory > 32768 || memory % 64 != 0) {
            throw new RpcError(400, "InvalidArgument", "memorySize must be a multiple of 64 from 128 to 32768, got " + memory);
        }
        int timeout = ((Number) next.get("timeout")).intValue();
        if (timeout < 1 || timeout > 86400) {
            throw new RpcError(400, "InvalidArgument", "timeout must be 1 to 86400 seconds, got " + timeout);
        }
        int disk = ((Number) next.get("diskSize")).intValue();
        if (disk != 512 && disk != 10240) {
            throw new RpcError(400, "InvalidArgument", "diskSize must be 512 or 10240, got " + disk);
        }
        Map<String, Object> env = (Map<String, Object>) next.getOrDefault("environmentVariables", Map.of());
        int bytes = 0;
        for (Map.Entry<String, Object> e : env.entrySet()) {
            if (!ENV_KEY.matcher(e.getKey()).matches()) {
                throw new RpcError(400, "InvalidArgument", "environment variable name '" + e.getKey() + "' is not valid");
            }
            if (e.getKey().toUpperCase(Locale.ROOT).startsWith("FC_")) {
                throw new RpcError(400, "InvalidArgument", "environment variable '" + e.getKey() + "' uses the reserved prefix FC_");
            }
            bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length + String.valueOf(e.getValue()).getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_ENV_BYTES) {
            throw new RpcError(400, "InvalidArgument", "environment variables take " + bytes + " bytes; at most 4 KB");
        }
        for (Object layer : (List<Object>) next.getOrDefault("layers", List.of())) {
            if (!LAYER.matcher(String.valueOf(layer)).matches()) {
                throw new RpcError(400, "InvalidArgument", "layer '" + layer + "' is not a layer version ARN");
            }
        }
        if (runtime.startsWith("custom") && !runtime.equals("custom-container")) {
            Map<String, Object> custom = (Map<String, Object>) next.get("customRuntimeConfig");
            if (custom == null || !(custom.get("command") instanceof List<?> command) || command.isEmpty()) {
                throw new RpcError(400, "InvalidArgument", "customRuntimeConfig.command is required for runtime " + runtime);
            }
        }
        Map<String, Object> code = (Map<String, Object>) in.get("code");
        next.remove("code");
        if (code != null) {
            next.put("codeSize", codeSize(code));
            next.put("codeChecksum", String.valueOf(code.hashCode()));
            fn.code = code;
        }
        next.put("lastModifiedTime", Instant.now().toString());
        fn.config.clear();
        fn.config.putAll(next);
    }

    private static long codeSize(Map<String, Object> code) {
        Object zip = code.get("zipFile");
        if (zip != null) {
            String b64 = String.valueOf(zip);
            if (b64.length() > MAX_INLINE_BASE64) {
                throw new RpcError(400, "CodeSizeExceeded", "code.zipFile is larger than 100 MB after Base64 encoding; upload it to OSS");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(b64);
            } catch (IllegalArgumentException e) {
                throw new RpcError(400, "InvalidArgument", "code.zipFile is not Base64");
            }
            if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
                throw new RpcError(400, "InvalidArgument", "code.zipFile is not a ZIP archive");
            }
            return bytes.length;
        }
        if (code.get("ossBucketName") == null || code.get("ossObjectName") == null) {
            throw new RpcError(400, "InvalidArgument", "code needs zipFile, or both ossBucketName and ossObjectName");
        }
        return -1;
    }

    /** The files of the code a function (LATEST) was given inline: name to content. */
    public Map<String, byte[]> codeFiles(String name) throws IOException {
        Map<String, Object> code = functions.get(name).code;
        Map<String, byte[]> files = new TreeMap<>();
        if (code == null || code.get("zipFile") == null) {
            return files;
        }
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(String.valueOf(code.get("zipFile")))))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                files.put(e.getName(), zip.readAllBytes());
            }
        }
        return files;
    }

    /** Where the function's code was put in OSS ({@code bucket/object}), or null when it came inline. */
    public String codeObject(String name) {
        Map<String, Object> code = functions.get(name).code;
        return code == null || code.get("ossObjectName") == null ? null : code.get("ossBucketName") + "/" + code.get("ossObjectName");
    }

    private Map<String, Object> publish(Fn fn, Map<String, Object> in) {
        if (fn.versions.size() >= maxVersions) {
            throw new RpcError(400, "ResourceExhausted", "the function has " + fn.versions.size() + " versions, the most allowed; delete old ones");
        }
        String id = String.valueOf(++fn.lastVersion);
        Map<String, Object> snapshot = new LinkedHashMap<>(fn.config);
        snapshot.put("versionId", id);
        snapshot.put("versionDescription", String.valueOf(in.getOrDefault("description", "")));
        snapshot.put("versionCreatedTime", Instant.now().toString());
        fn.versions.put(id, snapshot);
        if (fn.code != null) {
            fn.versionCode.put(id, fn.code);
        }
        return Map.of("versionId", id, "description", snapshot.get("versionDescription"), "createdTime", snapshot.get("versionCreatedTime"));
    }

    private static String existingVersion(Fn fn, String version) {
        if (!fn.versions.containsKey(version)) {
            throw new RpcError(404, "VersionNotFound", "version '" + version + "' does not exist");
        }
        return version;
    }

    private Map<String, Object> createTrigger(String function, Fn fn, Map<String, Object> in) {
        String name = String.valueOf(in.get("triggerName"));
        if (!TRIGGER_NAME.matcher(name).matches()) {
            throw new RpcError(400, "InvalidArgument", "triggerName '" + name + "' is not valid");
        }
        if (fn.triggers.containsKey(name)) {
            throw new RpcError(409, "TriggerAlreadyExists", "trigger '" + name + "' already exists");
        }
        if (fn.triggers.size() >= MAX_TRIGGERS) {
            throw new RpcError(400, "ResourceExhausted", "a function has at most " + MAX_TRIGGERS + " triggers");
        }
        String type = String.valueOf(in.get("triggerType"));
        if (!TRIGGER_TYPES.contains(type)) {
            throw new RpcError(400, "InvalidArgument", "triggerType '" + type + "' is not supported");
        }
        String qualifier = String.valueOf(in.getOrDefault("qualifier", "LATEST"));
        if (!qualifier.equals("LATEST") && !fn.versions.containsKey(qualifier) && !fn.aliases.containsKey(qualifier)) {
            throw new RpcError(400, "InvalidArgument", "qualifier '" + qualifier + "' is neither LATEST, a version nor an alias");
        }
        if (!(in.get("triggerConfig") instanceof String raw)) {
            throw new RpcError(400, "InvalidArgument", "triggerConfig must be a JSON string");
        }
        Map<String, Object> config;
        try {
            config = JSON.readValue(raw, new TypeReference<>() {});
        } catch (IOException e) {
            throw new RpcError(400, "InvalidArgument", "triggerConfig is not JSON");
        }
        if (type.equals("http")) {
            if (!Set.of("anonymous", "function", "jwt").contains(String.valueOf(config.get("authType")))) {
                throw new RpcError(400, "InvalidArgument", "authType must be anonymous, function or jwt");
            }
            if (!(config.get("methods") instanceof List<?> methods) || methods.isEmpty() || !METHODS.containsAll(methods)) {
                throw new RpcError(400, "InvalidArgument", "methods must list HTTP methods among " + METHODS);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>(in);
        body.put("qualifier", qualifier);
        try {
            Trigger trigger = new Trigger(function, body, config);
            fn.triggers.put(name, trigger);
            return trigger.json;
        } catch (IOException e) {
            throw new RpcError(500, "InternalError", e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private void invoke(HttpExchange exchange, String function, String qualifier, Map<String, Object> config) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            Map<String, Object> answer = new LinkedHashMap<>();
            int status;
            Fn fn = functions.get(function);
            String version = fn == null ? null : qualifier.equals("LATEST") ? "LATEST" : fn.aliases.getOrDefault(qualifier, qualifier);
            Map<String, Object> serving = fn == null ? null : version.equals("LATEST") ? fn.config : fn.versions.get(version);
            if (serving == null) {
                status = 404;
                answer.put("ErrorCode", "FunctionNotFound");
            } else if (!((List<Object>) config.get("methods")).contains(method)) {
                status = 405;
                answer.put("ErrorCode", "MethodNotAllowed");
            } else if (run) {
                forward(exchange, function, version, serving, method, body);
                return;
            } else {
                Map<String, String> headers = new TreeMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                String target = exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
                invocations.add(new Invocation(function, qualifier, version, method, target, headers, body));
                status = 200;
                answer.put("functionName", function);
                answer.put("versionId", version);
                answer.put("method", method);
                answer.put("target", target);
                answer.put("headers", headers);
                answer.put("body", new String(body, StandardCharsets.UTF_8));
                answer.put("environmentVariables", serving.get("environmentVariables"));
                exchange.getResponseHeaders().set("x-fc-request-id", UUID.randomUUID().toString());
            }
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, method.equals("HEAD") ? -1 : bytes.length);
            if (!method.equals("HEAD")) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private void forward(HttpExchange exchange, String function, String version, Map<String, Object> serving, String method,
                         byte[] body) throws IOException {
        String target = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        Map<String, String> seen = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        invocations.add(new Invocation(function, version, version, method, target, seen, body));
        java.net.http.HttpResponse<byte[]> answer;
        try {
            Instance instance = instances.computeIfAbsent(function + ":" + version, k -> start(function, version, serving));
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + instance.port() + target))
                    .method(method, body.length == 0 ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!Set.of("host", "content-length", "connection", "expect", "upgrade").contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            request.header("x-fc-request-id", UUID.randomUUID().toString());
            answer = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | RuntimeException | InterruptedException e) {
            // FC's answer when the instance cannot serve: 502 with x-fc-error-type.
            exchange.getResponseHeaders().set("x-fc-error-type", "FunctionNotStarted");
            byte[] bytes = JSON.writeValueAsBytes(Map.of("ErrorCode", "FunctionNotStarted", "ErrorMessage", String.valueOf(e)));
            exchange.sendResponseHeaders(502, bytes.length);
            exchange.getResponseBody().write(bytes);
            return;
        }
        answer.headers().map().forEach((name, values) -> {
            if (!Set.of("content-length", "transfer-encoding", "connection", ":status").contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> exchange.getResponseHeaders().add(name, v));
            }
        });
        exchange.getResponseHeaders().set("x-fc-request-id", UUID.randomUUID().toString());
        byte[] bytes = answer.body();
        exchange.sendResponseHeaders(answer.statusCode(), method.equals("HEAD") || bytes.length == 0 ? -1 : bytes.length);
        if (!method.equals("HEAD") && bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @SuppressWarnings("unchecked")
    private Instance start(String function, String version, Map<String, Object> serving) {
        try {
            Fn fn = functions.get(function);
            Map<String, Object> code = version.equals("LATEST") ? fn.code : fn.versionCode.get(version);
            if (code == null || code.get("zipFile") == null) {
                throw new IllegalStateException("FakeFc runs only functions whose code came inline (code.zipFile)");
            }
            Path dir = java.nio.file.Files.createTempDirectory("fakefc-" + function + "-");
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(String.valueOf(code.get("zipFile")))))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    Path file = dir.resolve(e.getName()).normalize();
                    if (!file.startsWith(dir)) {
                        throw new IOException("zip entry outside the code directory: " + e.getName());
                    }
                    java.nio.file.Files.createDirectories(file.getParent());
                    java.nio.file.Files.write(file, zip.readAllBytes());
                }
            }
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            Map<String, Object> custom = (Map<String, Object>) serving.get("customRuntimeConfig");
            List<String> command = ((List<Object>) custom.get("command")).stream()
                    .map(a -> String.valueOf(a).replace("/code", dir.toString())).toList();
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT);
            builder.environment().clear();
            ((Map<String, Object>) serving.getOrDefault("environmentVariables", Map.of()))
                    .forEach((k, v) -> builder.environment().put(k, String.valueOf(v)));
            builder.environment().merge("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), (own, host) -> own + ":" + host);
            builder.environment().put("HOME", dir.toString());
            builder.environment().put("FC_CUSTOM_LISTEN_PORT", String.valueOf(port));
            builder.environment().put("FC_FUNCTION_NAME", function);
            Process process = builder.start();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the function's command exited with " + process.exitValue());
                }
                try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                    return new Instance(dir, process, port);
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("the function did not listen on FC_CUSTOM_LISTEN_PORT within 15 s");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> json(byte[] body) {
        try {
            return body.length == 0 ? new LinkedHashMap<>() : JSON.readValue(body, new TypeReference<>() {});
        } catch (IOException e) {
            throw new RpcError(400, "InvalidArgument", "the request body is not JSON");
        }
    }

    @Override
    public void close() {
        instances.values().forEach(i -> i.process().destroyForcibly());
        functions.values().forEach(fn -> fn.triggers.values().forEach(Trigger::stop));
        super.close();
    }
}
