package io.miaobu.testkit.aliyun;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.miaobu.aliyun.AliyunCredentials;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * ESA's RPC API (2024-09-10) for tests: edge KV (namespaces, PutKv/GetKv/DeleteKv with the real
 * limits and error codes; keys only in the alphabet of "Get started with Edge KV"), PurgeCaches (recorded), site records and SaaS custom hostnames, and
 * edge routines (staging code uploaded by multipart POST to the upload URL it hands out, commit,
 * publish to staging/production). {@code GET /kv/{namespace}/{key}} reads a value without signing,
 * standing in for the EdgeKV object an edge routine gets.
 */
public final class FakeEsa extends FakeAliyunRpc {
    public static final String VERSION = "2024-09-10";
    static final int MAX_KEY_BYTES = 512;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+");
    static final int MAX_VALUE_BYTES = 2 * 1024 * 1024;

    private final String siteId;
    private final Map<String, Map<String, String>> kv = new ConcurrentHashMap<>();
    private final List<Purge> purges = new CopyOnWriteArrayList<>();
    private final Map<String, String> records = new ConcurrentHashMap<>(); // record name -> id
    private final Map<String, Hostname> hostnames = new ConcurrentHashMap<>(); // id -> hostname
    private final Map<String, Routine> routines = new ConcurrentHashMap<>();
    private final Map<String, String> uploadKeys = new ConcurrentHashMap<>(); // upload key -> routine
    private final AtomicLong ids = new AtomicLong(1000);
    private volatile String siteStatus = "active";

    public record Purge(String siteId, String type, List<String> items, boolean force) {}

    /** A custom hostname as ESA keeps it. */
    public record Hostname(String id, String hostname, String recordId, String sslFlag, String certType, String casId, String casRegion) {}

    private static final class Routine {
        final String name;
        volatile byte[] staging;
        final List<byte[]> versions = new CopyOnWriteArrayList<>();
        final Map<String, Integer> published = new ConcurrentHashMap<>();

        Routine(String name) {
            this.name = name;
        }
    }

    public FakeEsa(AliyunCredentials credentials, String siteId) {
        super(VERSION, credentials);
        this.siteId = siteId;
    }

    public String siteId() {
        return siteId;
    }

    /** The status GetSite reports: {@code active}, or {@code pending} while the site's DNS is not yet verified. */
    public FakeEsa siteStatus(String status) {
        this.siteStatus = status;
        return this;
    }

    public FakeEsa createNamespace(String namespace) {
        kv.putIfAbsent(namespace, new ConcurrentHashMap<>());
        return this;
    }

    public FakeEsa addRecord(String name) {
        records.putIfAbsent(name, String.valueOf(ids.incrementAndGet()));
        return this;
    }

    /** The CNAME ESA assigns a record (ListRecords' RecordCname), which users' DNS may point at. */
    public static String recordCname(String recordName) {
        return recordName + ".w.kunlunaq.com";
    }

    public Optional<String> kvValue(String namespace, String key) {
        return Optional.ofNullable(kv.getOrDefault(namespace, Map.of()).get(key));
    }

    public Map<String, String> kvEntries(String namespace) {
        return Map.copyOf(kv.getOrDefault(namespace, Map.of()));
    }

    public List<Purge> purges() {
        return List.copyOf(purges);
    }

    public Optional<Hostname> hostname(String name) {
        return hostnames.values().stream().filter(h -> h.hostname().equals(name)).findFirst();
    }

    /** The code published to {@code env} ("staging" or "production"), if any. */
    public Optional<String> publishedCode(String routine, String env) {
        Routine r = routines.get(routine);
        if (r == null || !r.published.containsKey(env)) {
            return Optional.empty();
        }
        return Optional.of(new String(r.versions.get(r.published.get(env) - 1), StandardCharsets.UTF_8));
    }

    public int codeVersions(String routine) {
        Routine r = routines.get(routine);
        return r == null ? 0 : r.versions.size();
    }

    /**
     * Where ESA reads parameters, for the actions where the official {@code esa20240910} SDK is strict
     * (its generated client and request models): GetKv, DeleteKv and ListRecords are GETs whose
     * parameters are all in the query string; PutKv is a POST with Namespace and Key (and its options)
     * in the query and only Value in the form body.
     */
    @Override
    protected void checkPlacement(String action, String method, Set<String> inQuery, Set<String> inBody) {
        switch (action) {
            case "GetKv", "DeleteKv", "ListRecords", "GetSite", "GetKvNamespace" -> {
                if (!method.equals("GET")) {
                    throw new RpcError(400, "UnsupportedHTTPMethod", action + " is called with GET (esa20240910 SDK), not " + method + ".");
                }
                if (!inBody.isEmpty()) {
                    throw new RpcError(400, "MissingParameter", action + " reads its parameters from the query string (esa20240910 SDK); "
                            + inBody + " came in the body.");
                }
            }
            case "PutKv" -> {
                for (String name : List.of("Namespace", "Key")) {
                    if (inBody.contains(name)) {
                        throw new RpcError(400, "MissingParameter", "PutKv reads " + name + " from the query string (esa20240910 SDK), not the body.");
                    }
                }
                if (inQuery.contains("Value")) {
                    throw new RpcError(400, "InvalidParameter.Value", "PutKv reads Value from the form body (esa20240910 SDK), not the query string.");
                }
            }
            default -> { }
        }
    }

    @Override
    protected Map<String, Object> handle(String action, Map<String, String> p) {
        return switch (action) {
            case "PutKv" -> {
                Map<String, String> ns = namespace(p);
                String key = key(p);
                String value = required(p, "Value");
                if ("true".equals(p.get("Base64"))) {
                    value = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                }
                if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
                    throw new RpcError(400, "InvalidValue.ExceedsMaximum", "The size of the value cannot exceed 2 MB.");
                }
                ns.put(key, value);
                yield Map.of("Length", String.valueOf(value.length()), "Value", value);
            }
            case "GetKv" -> {
                String value = namespace(p).get(key(p));
                if (value == null) {
                    throw new RpcError(404, "InvalidKey.NotFound", "The specified key does not exist.");
                }
                yield Map.of("Value", value);
            }
            case "DeleteKv" -> {
                if (namespace(p).remove(key(p)) == null) {
                    throw new RpcError(404, "InvalidKey.NotFound", "The specified key does not exist.");
                }
                yield Map.of();
            }
            case "PurgeCaches" -> {
                site(p);
                String type = p.getOrDefault("Type", "file");
                JsonNode content = parse(required(p, "Content"));
                String field = switch (type) {
                    case "file" -> "Files";
                    case "hostname" -> "Hostnames";
                    case "directory" -> "Directories";
                    default -> throw new RpcError(400, "InvalidParameter.Type", "The specified purge type is invalid.");
                };
                List<String> items = new ArrayList<>();
                content.path(field).forEach(n -> items.add(n.asText()));
                if (items.isEmpty()) {
                    throw new RpcError(400, "InvalidParameter.Content", "The purge content is empty.");
                }
                if (items.size() > 100) {
                    throw new RpcError(400, "InvalidParameter.Content", "At most 100 entries can be purged in one request.");
                }
                purges.add(new Purge(p.get("SiteId"), type, List.copyOf(items), "true".equals(p.get("Force"))));
                yield Map.of("TaskId", String.valueOf(ids.incrementAndGet()));
            }
            case "ListRecords" -> {
                // RecordName filters by exact name (the default RecordMatchType); pages of PageSize (default 500).
                site(p);
                List<Map<String, Object>> out = new ArrayList<>();
                new java.util.TreeMap<>(records).forEach((name, id) -> {
                    if (!p.containsKey("RecordName") || p.get("RecordName").equals(name)) {
                        out.add(Map.of("RecordId", Long.parseLong(id), "RecordName", name, "RecordCname", recordCname(name),
                                "SiteId", Long.parseLong(siteId)));
                    }
                });
                int size = Integer.parseInt(p.getOrDefault("PageSize", "500"));
                int page = Integer.parseInt(p.getOrDefault("PageNumber", "1"));
                List<Map<String, Object>> slice = out.subList(Math.min(out.size(), (page - 1) * size), Math.min(out.size(), page * size));
                yield Map.of("Records", slice, "TotalCount", out.size(), "PageNumber", page, "PageSize", size);
            }
            case "CreateCustomHostname" -> {
                site(p);
                String host = required(p, "Hostname");
                String recordId = required(p, "RecordId");
                if (!records.containsValue(recordId)) {
                    throw new RpcError(400, "InvalidRecordId", "The specified record does not exist.");
                }
                if (hostname(host).isPresent()) {
                    throw new RpcError(400, "CustomHostname.AlreadyExists", "The custom hostname already exists.");
                }
                String id = String.valueOf(ids.incrementAndGet());
                hostnames.put(id, new Hostname(id, host, recordId, p.getOrDefault("SslFlag", "off"), p.get("CertType"), p.get("CasId"), p.get("CasRegion")));
                yield Map.of("HostnameId", Long.parseLong(id));
            }
            case "ListCustomHostnames" -> {
                site(p);
                List<Map<String, Object>> out = new ArrayList<>();
                for (Hostname h : hostnames.values()) {
                    if (!p.containsKey("Hostname") || h.hostname().contains(p.get("Hostname"))) {
                        Map<String, Object> item = new LinkedHashMap<>();
                        item.put("HostnameId", Long.parseLong(h.id()));
                        item.put("Hostname", h.hostname());
                        item.put("RecordId", Long.parseLong(h.recordId()));
                        item.put("SslFlag", h.sslFlag());
                        item.put("Status", "active");
                        if (h.certType() != null) {
                            item.put("CertType", h.certType());
                        }
                        out.add(item);
                    }
                }
                yield Map.of("Hostnames", out, "TotalCount", out.size());
            }
            case "UpdateCustomHostname" -> {
                Hostname h = hostnameById(p);
                String ssl = p.getOrDefault("SslFlag", h.sslFlag());
                String certType = ssl.equals("off") ? null : p.getOrDefault("CertType", h.certType());
                if ("cas".equals(certType) && (p.get("CasId") == null || p.get("CasRegion") == null)) {
                    throw new RpcError(400, "MissingParameter", "CasId and CasRegion are mandatory when CertType is cas.");
                }
                hostnames.put(h.id(), new Hostname(h.id(), h.hostname(), h.recordId(), ssl, certType,
                        ssl.equals("off") ? null : p.getOrDefault("CasId", h.casId()), ssl.equals("off") ? null : p.getOrDefault("CasRegion", h.casRegion())));
                yield Map.of();
            }
            case "DeleteCustomHostname" -> {
                hostnames.remove(hostnameById(p).id());
                yield Map.of();
            }
            case "CreateRoutine" -> {
                String name = required(p, "Name");
                if (routines.putIfAbsent(name, new Routine(name)) != null) {
                    throw new RpcError(400, "RoutineNameAlreadyExist", "The routine name already exists.");
                }
                yield Map.of("Status", "OK");
            }
            case "GetSite" -> {
                site(p);
                yield Map.of("SiteModel", Map.of("SiteId", Long.parseLong(siteId), "SiteName", "example-sites.com",
                        "Status", siteStatus, "AccessType", "NS", "Coverage", "global"));
            }
            case "GetKvNamespace" -> {
                namespace(p);
                yield Map.of("Namespace", p.get("Namespace"), "NamespaceId", "ns-" + Math.abs(p.get("Namespace").hashCode()),
                        "Status", "online", "Description", "");
            }
            case "GetRoutine" -> {
                Routine r = routine(p);
                yield Map.of("Envs", r.published.entrySet().stream()
                        .map(e -> Map.of("Env", e.getKey(), "CodeVersion", String.valueOf(e.getValue()))).toList());
            }
            case "GetRoutineStagingCodeUploadInfo" -> {
                Routine r = routine(p);
                String key = "er/" + r.name + "/" + UUID.randomUUID();
                uploadKeys.put(key, r.name);
                Map<String, Object> post = new LinkedHashMap<>();
                post.put("Url", endpoint() + "/routine-code-upload");
                post.put("key", key);
                post.put("OSSAccessKeyId", "STS.fake-oss-key");
                post.put("policy", Base64.getEncoder().encodeToString(("{\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8)));
                post.put("Signature", Base64.getEncoder().encodeToString(sha256(key.getBytes(StandardCharsets.UTF_8))));
                post.put("callback", "");
                post.put("x:codeDescription", "");
                yield Map.of("OssPostConfig", post);
            }
            case "CommitRoutineStagingCode" -> {
                Routine r = routine(p);
                if (r.staging == null) {
                    throw new RpcError(400, "StagingCodeNotFound", "No staging code was uploaded for this routine.");
                }
                if (r.versions.size() >= 10) {
                    throw new RpcError(400, "CodeVersionsExceedLimit", "A routine keeps at most 10 code versions; delete one first.");
                }
                r.versions.add(r.staging);
                yield Map.of("CodeVersion", String.valueOf(r.versions.size()));
            }
            case "PublishRoutineCodeVersion" -> {
                Routine r = routine(p);
                String env = required(p, "Env");
                if (!env.equals("staging") && !env.equals("production")) {
                    throw new RpcError(400, "InvalidParameter.Env", "Env must be staging or production.");
                }
                int version = Integer.parseInt(required(p, "CodeVersion"));
                if (version < 1 || version > r.versions.size()) {
                    throw new RpcError(400, "CodeVersionNotFound", "The specified code version does not exist.");
                }
                r.published.put(env, version);
                yield Map.of("CodeVersion", String.valueOf(version));
            }
            default -> throw new RpcError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        };
    }

    @Override
    protected void other(HttpExchange exchange, byte[] body) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (path.equals("/routine-code-upload") && exchange.getRequestMethod().equals("POST")) {
            Map<String, byte[]> parts = Multipart.parse(exchange.getRequestHeaders().getFirst("Content-Type"), body);
            String key = parts.containsKey("key") ? new String(parts.get("key"), StandardCharsets.UTF_8) : "";
            String routine = uploadKeys.remove(key);
            String expectedSignature = Base64.getEncoder().encodeToString(sha256(key.getBytes(StandardCharsets.UTF_8)));
            if (routine == null || !parts.containsKey("file") || !parts.containsKey("policy")
                    || !"STS.fake-oss-key".equals(text(parts, "OSSAccessKeyId")) || !expectedSignature.equals(text(parts, "Signature"))) {
                exchange.getResponseHeaders().set("Content-Type", "application/xml");
                byte[] xml = "<Error><Code>AccessDenied</Code><Message>Invalid according to Policy</Message></Error>".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(403, xml.length);
                exchange.getResponseBody().write(xml);
                return;
            }
            routines.get(routine).staging = parts.get("file");
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        if (path.startsWith("/kv/") && exchange.getRequestMethod().equals("GET")) {
            String[] segments = path.substring(4).split("/", 2);
            String value = segments.length < 2 ? null : kv.getOrDefault(URLDecoder.decode(segments[0], StandardCharsets.UTF_8), Map.of())
                    .get(URLDecoder.decode(segments[1], StandardCharsets.UTF_8));
            if (value == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            return;
        }
        super.other(exchange, body);
    }

    private static String text(Map<String, byte[]> parts, String name) {
        return parts.containsKey(name) ? new String(parts.get(name), StandardCharsets.UTF_8) : null;
    }

    private Map<String, String> namespace(Map<String, String> p) {
        String name = p.get("Namespace");
        if (name == null || name.isEmpty()) {
            throw new RpcError(400, "InvalidNameSpace.Malformed", "The specified namespace is invalid.");
        }
        Map<String, String> ns = kv.get(name);
        if (ns == null) {
            throw new RpcError(404, "InvalidNameSpace.NotFound", "The specified namespace does not exist.");
        }
        return ns;
    }

    /**
     * The key of a KV call, as strict as ESA's "Get started with Edge KV" (doc-detail/2872718): at most
     * 512 bytes of letters, digits, {@code -} and {@code _}. (The PutKv API page only forbids spaces and
     * {@code /}; the guide's rule is the one a routine's EdgeKV relies on, so the fake enforces it.)
     */
    private static String key(Map<String, String> p) {
        String key = p.get("Key");
        if (key == null || key.isEmpty() || !KEY.matcher(key).matches()) {
            throw new RpcError(400, "InvalidKey.Malformed", "The specified key is invalid.");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new RpcError(400, "InvalidKey.ExceedsMaximum", "The size of the key cannot exceed 512 bytes.");
        }
        return key;
    }

    private void site(Map<String, String> p) {
        if (!siteId.equals(required(p, "SiteId"))) {
            throw new RpcError(400, "InvalidSiteId.NotFound", "The specified site does not exist.");
        }
    }

    private Hostname hostnameById(Map<String, String> p) {
        Hostname h = hostnames.get(required(p, "HostnameId"));
        if (h == null) {
            throw new RpcError(404, "CustomHostname.NotFound", "The specified custom hostname does not exist.");
        }
        return h;
    }

    private Routine routine(Map<String, String> p) {
        Routine r = routines.get(required(p, "Name"));
        if (r == null) {
            throw new RpcError(404, "RoutineNotExist", "The routine does not exist.");
        }
        return r;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new RpcError(400, "InvalidParameter.Content", "Content is not valid JSON.");
        }
    }
}
