package io.miaobu.testkit.aliyun;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.miaobu.aliyun.AliyunCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server speaking the part of OSS's REST protocol Miaobu uses, for one bucket, path style
 * ({@code http://127.0.0.1:port/bucket/key}): PutObject, GetObject, HeadObject (?objectMeta),
 * CopyObject, DeleteObjects, ListObjectsV2 with pagination, and multipart uploads.
 *
 * <p>It checks what a real bucket checks: every request must carry an {@code OSS AccessKeyId:Signature}
 * header (signature V1, HMAC-SHA1 over the canonical string) that it recomputes from the secret of
 * the credentials it accepts, plus their {@code x-oss-security-token}; CRC64 of stored objects is
 * returned as OSS does, so the SDK's integrity checks run too. A request failing these gets the
 * error OSS gives ({@code 403 SignatureDoesNotMatch} / {@code InvalidAccessKeyId}) and is recorded in
 * {@link #rejected()}.
 */
public final class FakeOss implements AutoCloseable {
    /** One stored object. */
    public record StoredObject(byte[] content, String contentType, String cacheControl, String etag) {}

    /** One request as received, after its signature was checked. */
    public record Call(String method, String operation, String key, long bodyBytes) {}

    // OSS V1 signs only these query parameters (com.aliyun.oss.internal.SignParameters, the ones Miaobu can send).
    private static final Set<String> SIGNED_PARAMETERS = Set.of("acl", "uploads", "delete", "objectMeta", "uploadId",
            "partNumber", "security-token", "continuation-token", "append", "position", "tagging", "symlink");
    private static final Pattern AUTHORIZATION = Pattern.compile("^OSS ([^:]+):(.+)$");

    private final String bucket;
    private final HttpServer server;
    private final Map<String, AliyunCredentials> accepted = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();
    private final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    private final Map<String, StoredObject> uploadMeta = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();
    private volatile int pageSize = 1000;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY each answer waits ~40 ms for a delayed ACK.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private FakeOss(String bucket, AliyunCredentials credentials) throws IOException {
        this.bucket = bucket;
        accept(credentials);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "fake-oss");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeOss start(String bucket, AliyunCredentials credentials) throws IOException {
        return new FakeOss(bucket, credentials);
    }

    /** Accepts another set of credentials too (STS credentials rotate). */
    public FakeOss accept(AliyunCredentials credentials) {
        accepted.put(credentials.accessKeyId(), credentials);
        return this;
    }

    /** Stops accepting these credentials (an expired STS token). */
    public FakeOss revoke(String accessKeyId) {
        accepted.remove(accessKeyId);
        return this;
    }

    /** How many keys one ListObjectsV2 page holds at most (to make pagination visible with few objects). */
    public FakeOss pageSize(int keys) {
        this.pageSize = keys;
        return this;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String bucket() {
        return bucket;
    }

    public Optional<StoredObject> object(String key) {
        return Optional.ofNullable(objects.get(key));
    }

    public List<String> keys(String prefix) {
        return new ArrayList<>(objects.subMap(prefix, prefix + Character.MAX_VALUE).keySet());
    }

    public List<Call> calls() {
        return Collections.unmodifiableList(calls);
    }

    public void clearCalls() {
        calls.clear();
    }

    /** Requests refused for a wrong or missing signature or token, with the reason. */
    public List<String> rejected() {
        return Collections.unmodifiableList(rejected);
    }

    public void clearRejected() {
        rejected.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String rawPath = ex.getRequestURI().getRawPath();
            String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            if (!path.startsWith("/" + bucket)) {
                error(ex, 404, "NoSuchBucket", "The specified bucket does not exist.");
                return;
            }
            String key = path.length() > bucket.length() + 2 ? path.substring(bucket.length() + 2) : "";
            String problem = checkSignature(ex, path, query);
            if (problem != null) {
                rejected.add(ex.getRequestMethod() + " " + path + ": " + problem);
                error(ex, 403, problem.startsWith("InvalidAccessKeyId") ? "InvalidAccessKeyId"
                        : problem.startsWith("InvalidSecurityToken") ? "InvalidSecurityToken" : "SignatureDoesNotMatch", problem);
                return;
            }
            route(ex, ex.getRequestMethod(), key, query, body);
        } catch (RuntimeException e) {
            e.printStackTrace();
            error(ex, 500, "InternalError", e.toString());
        }
    }

    private void route(HttpExchange ex, String method, String key, Map<String, String> query, byte[] body) throws IOException {
        if (key.isEmpty()) {
            if (method.equals("GET") && "2".equals(query.get("list-type"))) {
                record("ListObjectsV2", method, "", body);
                list(ex, query);
            } else if (method.equals("POST") && query.containsKey("delete")) {
                record("DeleteObjects", method, "", body);
                deleteObjects(ex, body);
            } else {
                error(ex, 400, "NotImplemented", "FakeOss does not implement " + method + " on the bucket with " + query.keySet());
            }
            return;
        }
        switch (method) {
            case "PUT" -> {
                if (query.containsKey("uploadId")) {
                    record("UploadPart", method, key, body);
                    Map<Integer, byte[]> parts = uploads.get(query.get("uploadId"));
                    if (parts == null) {
                        error(ex, 404, "NoSuchUpload", "The specified upload does not exist.");
                        return;
                    }
                    parts.put(Integer.parseInt(query.get("partNumber")), body);
                    ex.getResponseHeaders().add("ETag", '"' + md5Hex(body) + '"');
                    ex.getResponseHeaders().add("x-oss-hash-crc64ecma", Long.toUnsignedString(Crc64.of(body)));
                    send(ex, 200, null);
                } else if (ex.getRequestHeaders().getFirst("x-oss-copy-source") != null) {
                    record("CopyObject", method, key, body);
                    copy(ex, key);
                } else {
                    record("PutObject", method, key, body);
                    StoredObject stored = store(key, body, ex.getRequestHeaders().getFirst("Content-Type"),
                            ex.getRequestHeaders().getFirst("Cache-Control"));
                    ex.getResponseHeaders().add("ETag", stored.etag());
                    ex.getResponseHeaders().add("x-oss-hash-crc64ecma", Long.toUnsignedString(Crc64.of(body)));
                    send(ex, 200, null);
                }
            }
            case "GET", "HEAD" -> {
                StoredObject o = objects.get(key);
                record(method.equals("HEAD") ? "HeadObject" : "GetObject", method, key, body);
                if (o == null) {
                    if (method.equals("HEAD")) {
                        ex.getResponseHeaders().add("x-oss-request-id", UUID.randomUUID().toString());
                        ex.sendResponseHeaders(404, -1);
                    } else {
                        error(ex, 404, "NoSuchKey", "The specified key does not exist.");
                    }
                    return;
                }
                ex.getResponseHeaders().add("Content-Type", o.contentType());
                if (o.cacheControl() != null) {
                    ex.getResponseHeaders().add("Cache-Control", o.cacheControl());
                }
                ex.getResponseHeaders().add("ETag", o.etag());
                ex.getResponseHeaders().add("x-oss-hash-crc64ecma", Long.toUnsignedString(Crc64.of(o.content())));
                ex.getResponseHeaders().add("x-oss-request-id", UUID.randomUUID().toString());
                if (method.equals("HEAD")) {
                    ex.getResponseHeaders().add("Content-Length", Integer.toString(o.content().length));
                    ex.sendResponseHeaders(200, -1);
                } else {
                    ex.sendResponseHeaders(200, o.content().length == 0 ? -1 : o.content().length);
                    ex.getResponseBody().write(o.content());
                }
            }
            case "POST" -> {
                if (query.containsKey("uploads")) {
                    record("InitiateMultipartUpload", method, key, body);
                    String id = UUID.randomUUID().toString().replace("-", "");
                    uploads.put(id, new ConcurrentHashMap<>());
                    uploadMeta.put(id, new StoredObject(null, ex.getRequestHeaders().getFirst("Content-Type"),
                            ex.getRequestHeaders().getFirst("Cache-Control"), null));
                    send(ex, 200, "<InitiateMultipartUploadResult><Bucket>" + bucket + "</Bucket><Key>" + xml(key)
                            + "</Key><UploadId>" + id + "</UploadId></InitiateMultipartUploadResult>");
                } else if (query.containsKey("uploadId")) {
                    record("CompleteMultipartUpload", method, key, body);
                    complete(ex, key, query.get("uploadId"), body);
                } else {
                    error(ex, 400, "NotImplemented", "FakeOss does not implement POST with " + query.keySet());
                }
            }
            case "DELETE" -> {
                if (query.containsKey("uploadId")) {
                    record("AbortMultipartUpload", method, key, body);
                    uploads.remove(query.get("uploadId"));
                } else {
                    record("DeleteObject", method, key, body);
                    objects.remove(key);
                }
                ex.sendResponseHeaders(204, -1);
            }
            default -> error(ex, 405, "MethodNotAllowed", method);
        }
    }

    private void copy(HttpExchange ex, String key) throws IOException {
        String source = URLDecoder.decode(ex.getRequestHeaders().getFirst("x-oss-copy-source").replace("+", "%2B"), StandardCharsets.UTF_8);
        String prefix = "/" + bucket + "/";
        StoredObject from = source.startsWith(prefix) ? objects.get(source.substring(prefix.length())) : null;
        if (from == null) {
            error(ex, 404, "NoSuchKey", "The specified key does not exist.");
            return;
        }
        boolean replace = "REPLACE".equalsIgnoreCase(ex.getRequestHeaders().getFirst("x-oss-metadata-directive"));
        StoredObject stored = replace
                ? store(key, from.content(), ex.getRequestHeaders().getFirst("Content-Type"), ex.getRequestHeaders().getFirst("Cache-Control"))
                : store(key, from.content(), from.contentType(), from.cacheControl());
        send(ex, 200, "<CopyObjectResult><ETag>" + stored.etag() + "</ETag><LastModified>2026-01-01T00:00:00.000Z</LastModified></CopyObjectResult>");
    }

    private void complete(HttpExchange ex, String key, String uploadId, byte[] body) throws IOException {
        Map<Integer, byte[]> parts = uploads.remove(uploadId);
        if (parts == null) {
            error(ex, 404, "NoSuchUpload", "The specified upload does not exist.");
            return;
        }
        Matcher m = Pattern.compile("<PartNumber>(\\d+)</PartNumber>").matcher(new String(body, StandardCharsets.UTF_8));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int count = 0;
        while (m.find()) {
            byte[] part = parts.get(Integer.parseInt(m.group(1)));
            if (part == null) {
                error(ex, 400, "InvalidPart", "part " + m.group(1) + " was not uploaded");
                return;
            }
            all.writeBytes(part);
            count++;
        }
        if (count == 0) {
            error(ex, 400, "MalformedXML", "no parts listed");
            return;
        }
        StoredObject meta = uploadMeta.remove(uploadId);
        StoredObject stored = store(key, all.toByteArray(), meta.contentType(), meta.cacheControl());
        ex.getResponseHeaders().add("x-oss-hash-crc64ecma", Long.toUnsignedString(Crc64.of(stored.content())));
        send(ex, 200, "<CompleteMultipartUploadResult><Location>" + endpoint() + "/" + bucket + "/" + xml(key) + "</Location><Bucket>"
                + bucket + "</Bucket><Key>" + xml(key) + "</Key><ETag>" + stored.etag() + "</ETag></CompleteMultipartUploadResult>");
    }

    private void list(HttpExchange ex, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        int max = Math.min(pageSize, Integer.parseInt(query.getOrDefault("max-keys", "100")));
        String after = query.get("continuation-token");
        var view = objects.subMap(prefix, prefix + Character.MAX_VALUE);
        if (after != null) {
            view = view.tailMap(after, false);
        }
        StringBuilder contents = new StringBuilder();
        int n = 0;
        String last = null;
        for (var e : view.entrySet()) {
            if (n == max) {
                break;
            }
            contents.append("<Contents><Key>").append(xml(e.getKey())).append("</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>")
                    .append(e.getValue().etag()).append("</ETag><Type>Normal</Type><Size>").append(e.getValue().content().length)
                    .append("</Size><StorageClass>Standard</StorageClass></Contents>");
            last = e.getKey();
            n++;
        }
        boolean truncated = last != null && view.tailMap(last, false).size() > 0;
        send(ex, 200, "<ListBucketResult><Name>" + bucket + "</Name><Prefix>" + xml(prefix) + "</Prefix><MaxKeys>" + max
                + "</MaxKeys><Delimiter></Delimiter><IsTruncated>" + truncated + "</IsTruncated>"
                + (truncated ? "<NextContinuationToken>" + xml(last) + "</NextContinuationToken>" : "")
                + "<KeyCount>" + n + "</KeyCount>" + contents + "</ListBucketResult>");
    }

    private void deleteObjects(HttpExchange ex, byte[] body) throws IOException {
        String md5 = ex.getRequestHeaders().getFirst("Content-MD5");
        if (md5 == null || !md5.equals(Base64.getEncoder().encodeToString(digest("MD5", body)))) {
            error(ex, 400, "InvalidDigest", "DeleteObjects needs the Content-MD5 of its body");
            return;
        }
        Matcher m = Pattern.compile("<Key>(.*?)</Key>").matcher(new String(body, StandardCharsets.UTF_8));
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            keys.add(unxml(m.group(1)));
        }
        if (keys.size() > 1000) {
            error(ex, 400, "MalformedXML", "DeleteObjects takes at most 1000 keys, got " + keys.size());
            return;
        }
        keys.forEach(objects::remove);
        send(ex, 200, "<DeleteResult></DeleteResult>");
    }

    private StoredObject store(String key, byte[] content, String contentType, String cacheControl) {
        StoredObject o = new StoredObject(content, contentType == null ? "application/octet-stream" : contentType, cacheControl,
                '"' + md5Hex(content).toUpperCase() + '"');
        objects.put(key, o);
        return o;
    }

    private void record(String operation, String method, String key, byte[] body) {
        calls.add(new Call(method, operation, key, body.length));
    }

    /** Recomputes the V1 signature with the secret of the access key the request names; null when it matches. */
    private String checkSignature(HttpExchange ex, String path, Map<String, String> query) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        Matcher m = header == null ? null : AUTHORIZATION.matcher(header);
        if (m == null || !m.matches()) {
            return "SignatureDoesNotMatch: no `OSS AccessKeyId:Signature` Authorization header";
        }
        AliyunCredentials c = accepted.get(m.group(1));
        if (c == null) {
            return "InvalidAccessKeyId: the access key " + m.group(1) + " is not accepted";
        }
        String token = ex.getRequestHeaders().getFirst("x-oss-security-token");
        if (!c.securityToken().equals(Optional.ofNullable(token))) {
            return "InvalidSecurityToken: the x-oss-security-token header does not carry the credentials' STS token";
        }
        TreeMap<String, String> signed = new TreeMap<>();
        signed.put("content-md5", "");
        signed.put("content-type", "");
        ex.getRequestHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase();
            if (lower.equals("content-md5") || lower.equals("content-type") || lower.equals("date") || lower.startsWith("x-oss-")) {
                signed.put(lower, values.get(0).trim());
            }
        });
        if (!signed.containsKey("date")) {
            return "SignatureDoesNotMatch: no Date header";
        }
        StringBuilder canonical = new StringBuilder(ex.getRequestMethod()).append('\n');
        signed.forEach((k, v) -> canonical.append(k.startsWith("x-oss-") ? k + ":" + v : v).append('\n'));
        canonical.append(path);
        char sep = '?';
        for (var e : new TreeMap<>(query).entrySet()) {
            if (SIGNED_PARAMETERS.contains(e.getKey())) {
                canonical.append(sep).append(e.getKey());
                if (e.getValue() != null) {
                    canonical.append('=').append(e.getValue());
                }
                sep = '&';
            }
        }
        String expected = Base64.getEncoder().encodeToString(Hmac.sha1(c.accessKeySecret(), canonical.toString()));
        if (!expected.equals(m.group(2))) {
            return "SignatureDoesNotMatch: expected " + expected + " over " + canonical.toString().replace("\n", "\\n");
        }
        return null;
    }

    /** A query string's parameters, decoded; a parameter without {@code =} maps to null. */
    static Map<String, String> query(String raw) {
        Map<String, String> q = new TreeMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? null : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private void error(HttpExchange ex, int status, String code, String message) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().add("x-oss-ec", code);
            send(ex, status, null);
            return;
        }
        send(ex, status, "<Error><Code>" + code + "</Code><Message>" + xml(message) + "</Message><RequestId>"
                + UUID.randomUUID() + "</RequestId><HostId>" + bucket + ".oss.fake</HostId></Error>");
    }

    private static void send(HttpExchange ex, int status, String xmlBody) throws IOException {
        ex.getResponseHeaders().add("x-oss-request-id", UUID.randomUUID().toString());
        if (xmlBody == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xmlBody).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/xml");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String unxml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }

    private static String md5Hex(byte[] b) {
        return HexFormat.of().formatHex(digest("MD5", b));
    }

    static byte[] digest(String algorithm, byte[] b) {
        try {
            return MessageDigest.getInstance(algorithm).digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CRC-64/XZ (ECMA-182 polynomial, reflected), which OSS returns as {@code x-oss-hash-crc64ecma}. */
    static final class Crc64 {
        private static final long[] TABLE = new long[256];

        static {
            for (int n = 0; n < 256; n++) {
                long crc = n;
                for (int k = 0; k < 8; k++) {
                    crc = (crc & 1) == 1 ? (crc >>> 1) ^ 0xC96C5795D7870F42L : crc >>> 1;
                }
                TABLE[n] = crc;
            }
        }

        static long of(byte[] data) {
            long crc = ~0L;
            for (byte b : data) {
                crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
            }
            return ~crc;
        }
    }
}
