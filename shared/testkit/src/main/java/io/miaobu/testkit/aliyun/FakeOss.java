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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server speaking the part of OSS's REST protocol Miaobu uses, for one private bucket, path
 * style ({@code http://127.0.0.1:port/bucket/key}): PutObject, GetObject, HeadObject (?objectMeta),
 * CopyObject, DeleteObjects, ListObjectsV2 with pagination, and multipart uploads.
 *
 * <p>It is as strict as a bucket created today:
 * <ul>
 *   <li>Only signature V4 in the Authorization header is accepted: {@code OSS4-HMAC-SHA256
 *       Credential=ak/yyyyMMdd/region/oss/aliyun_v4_request[,AdditionalHeaders=h1;h2],Signature=hex}, with
 *       {@code x-oss-date} and {@code x-oss-content-sha256}. The fake recomputes the signature from the
 *       canonical request and the key derived from the secret, date, region and "oss" exactly as OSS's
 *       "Include a V4 signature in the header (recommended)" page describes, and checks the region is
 *       the bucket's and the time is within 15 minutes. A mismatch is {@code 403 SignatureDoesNotMatch}
 *       with the string to sign, as OSS answers.</li>
 *   <li>Signature V1 ({@code Authorization: OSS ak:signature}) is refused with {@code 403 AccessDenied}:
 *       V1 is not available to accounts created since 2025-03-01 nor to buckets created since
 *       2025-09-01 (OSS error page 0002-00000080, "Notice on the discontinuation of V1").</li>
 *   <li>The bucket is private (the ACL the ROS stack gives it): a request without a signature is
 *       {@code 403 AccessDenied} (OSS "Bucket ACL": private buckets are closed to anonymous users).</li>
 *   <li>The access key must be one it accepts and {@code x-oss-security-token} must carry its STS
 *       token ({@code InvalidAccessKeyId}, {@code InvalidSecurityToken}).</li>
 * </ul>
 * CRC64 of stored objects is returned as OSS does, so the SDK's integrity checks run too. Refused
 * requests are recorded in {@link #rejected()}.
 */
public final class FakeOss implements AutoCloseable {
    /** One stored object. */
    public record StoredObject(byte[] content, String contentType, String cacheControl, String etag) {}

    /** One request as received, after its signature ({@code OSS4-HMAC-SHA256}) was checked. */
    public record Call(String method, String operation, String key, long bodyBytes, String signature) {}

    /** The region of a bucket when none is given. */
    public static final String DEFAULT_REGION = "cn-hangzhou";
    private static final String V4 = "OSS4-HMAC-SHA256";
    private static final Pattern V4_AUTHORIZATION = Pattern.compile(
            "^OSS4-HMAC-SHA256 Credential=([^/,\\s]+)/([0-9]{8})/([^/,\\s]+)/oss/aliyun_v4_request"
                    + "(?:,\\s*AdditionalHeaders=([a-z0-9;-]+))?,\\s*Signature=([0-9a-f]{64})$");
    private static final DateTimeFormatter X_OSS_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /** Why a request was refused: OSS's error code and message. */
    private record Refusal(String code, String message) {}

    private final String bucket;
    private final String region;
    private final HttpServer server;
    private final Map<String, AliyunCredentials> accepted = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();
    private final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    private final Map<String, StoredObject> uploadMeta = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();
    private volatile int pageSize = 1000;
    private volatile String acl = "private";
    private volatile String policy;
    private volatile Integer abortMultipartDays;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY each answer waits ~40 ms for a delayed ACK.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private FakeOss(String bucket, String region, AliyunCredentials credentials) throws IOException {
        this.bucket = bucket;
        this.region = region;
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
        return start(bucket, DEFAULT_REGION, credentials);
    }

    /** A private bucket in {@code region}: requests must be signed (V4) for that region. */
    public static FakeOss start(String bucket, String region, AliyunCredentials credentials) throws IOException {
        return new FakeOss(bucket, region, credentials);
    }

    public String region() {
        return region;
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

    /**
     * The ACL GetBucketInfo reports ({@code private}, {@code public-read}, {@code public-read-write}), to
     * show a misconfigured bucket to the operator's doctor; anonymous requests stay refused whatever it says.
     */
    public FakeOss acl(String cannedAcl) {
        this.acl = cannedAcl;
        return this;
    }

    /** The bucket policy (JSON) GetBucketPolicy answers; none (404 NoSuchBucketPolicy) by default. */
    public FakeOss policy(String json) {
        this.policy = json;
        return this;
    }

    /**
     * The lifecycle rule GetBucketLifecycle answers: abort multipart uploads abandoned for {@code days}
     * (the ROS stack's rule); none (404 NoSuchLifecycle) by default.
     */
    public FakeOss abortMultipartUploadsAfter(int days) {
        this.abortMultipartDays = days;
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

    /** Stores an object as if it had been uploaded (for tests of readers, such as the edge routine). */
    public FakeOss seed(String key, String content) {
        store(key, content.getBytes(StandardCharsets.UTF_8), null, null);
        return this;
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
            Refusal refusal = checkSignature(ex, key, query);
            if (refusal != null) {
                rejected.add(ex.getRequestMethod() + " " + path + ": " + refusal.code() + ": " + refusal.message());
                error(ex, 403, refusal.code(), refusal.message());
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
            } else if (method.equals("GET") && query.containsKey("bucketInfo")) {
                record("GetBucketInfo", method, "", body);
                bucketInfo(ex);
            } else if (method.equals("GET") && query.containsKey("lifecycle")) {
                record("GetBucketLifecycle", method, "", body);
                if (abortMultipartDays == null) {
                    error(ex, 404, "NoSuchLifecycle", "No Row found in Lifecycle Table.");
                } else {
                    send(ex, 200, "<LifecycleConfiguration><Rule><ID>abort-abandoned-multipart-uploads</ID><Prefix></Prefix>"
                            + "<Status>Enabled</Status><AbortMultipartUpload><Days>" + abortMultipartDays
                            + "</Days></AbortMultipartUpload></Rule></LifecycleConfiguration>");
                }
            } else if (method.equals("GET") && query.containsKey("policy")) {
                record("GetBucketPolicy", method, "", body);
                if (policy == null) {
                    error(ex, 404, "NoSuchBucketPolicy", "The bucket policy does not exist.");
                } else {
                    byte[] json = policy.getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    ex.getResponseHeaders().add("x-oss-request-id", UUID.randomUUID().toString());
                    ex.sendResponseHeaders(200, json.length);
                    ex.getResponseBody().write(json);
                }
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

    /** GetBucketInfo ({@code GET /?bucketInfo}), the fields OSS's API reference lists that the doctor reads. */
    private void bucketInfo(HttpExchange ex) throws IOException {
        send(ex, 200, "<BucketInfo><Bucket><AccessMonitor>Disabled</AccessMonitor><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>"
                + "<ExtranetEndpoint>oss-" + region + ".aliyuncs.com</ExtranetEndpoint><IntranetEndpoint>oss-" + region
                + "-internal.aliyuncs.com</IntranetEndpoint><Location>oss-" + region + "</Location><StorageClass>Standard</StorageClass>"
                + "<Name>" + bucket + "</Name><Owner><DisplayName>1234567890</DisplayName><ID>1234567890</ID></Owner>"
                + "<AccessControlList><Grant>" + acl + "</Grant></AccessControlList><DataRedundancyType>LRS</DataRedundancyType>"
                + "</Bucket></BucketInfo>");
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
        calls.add(new Call(method, operation, key, body.length, V4));
    }

    /**
     * Checks the request as a private bucket that accepts only V4 does; null when it passes. The
     * canonical request, string to sign and signing key follow OSS's "Include a V4 signature in the
     * header (recommended)": headers signed are Content-Type, Content-MD5, every x-oss-* header and
     * those named in AdditionalHeaders; the payload is UNSIGNED-PAYLOAD.
     */
    private Refusal checkSignature(HttpExchange ex, String key, Map<String, String> query) {
        var headers = ex.getRequestHeaders();
        String header = headers.getFirst("Authorization");
        if (header == null) {
            if (query.containsKey("x-oss-signature") || query.containsKey("Signature")) {
                return new Refusal("AccessDenied", "FakeOss does not accept signed URLs; sign in the Authorization header");
            }
            return new Refusal("AccessDenied", "You have no right to access this object because of bucket acl.");
        }
        if (header.startsWith("OSS ")) {
            return new Refusal("AccessDenied", "Signature version 1 is no longer supported; sign requests with OSS4-HMAC-SHA256 (EC 0002-00000080)");
        }
        Matcher m = V4_AUTHORIZATION.matcher(header);
        if (!m.matches()) {
            return new Refusal("AccessDenied", "The Authorization header is not OSS4-HMAC-SHA256 Credential=...,[AdditionalHeaders=...,]Signature=...: " + header);
        }
        AliyunCredentials c = accepted.get(m.group(1));
        if (c == null) {
            return new Refusal("InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records: " + m.group(1));
        }
        if (!c.securityToken().equals(Optional.ofNullable(headers.getFirst("x-oss-security-token")))) {
            return new Refusal("InvalidSecurityToken", "The x-oss-security-token header does not carry the credentials' STS token");
        }
        String date = headers.getFirst("x-oss-date");
        Instant time;
        try {
            time = date == null ? null : Instant.from(X_OSS_DATE.parse(date));
        } catch (DateTimeParseException e) {
            time = null;
        }
        if (time == null || !date.startsWith(m.group(2))) {
            return new Refusal("SignatureDoesNotMatch", "x-oss-date must be the request time as yyyyMMddTHHmmssZ on the date of the Credential, got " + date);
        }
        if (Duration.between(time, Instant.now()).abs().compareTo(MAX_SKEW) > 0) {
            return new Refusal("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
        }
        if (!region.equals(m.group(3))) {
            return new Refusal("SignatureDoesNotMatch", "The request is signed for region " + m.group(3) + "; the bucket is in " + region);
        }
        String payload = headers.getFirst("x-oss-content-sha256");
        if (payload == null) {
            return new Refusal("SignatureDoesNotMatch", "x-oss-content-sha256 is required with V4 (UNSIGNED-PAYLOAD)");
        }
        List<String> additional = m.group(4) == null ? List.of() : List.of(m.group(4).split(";"));
        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-type") || lower.equals("content-md5") || lower.startsWith("x-oss-") || additional.contains(lower)) {
                signed.put(lower, values.get(0).trim());
            }
        });
        StringBuilder canonical = new StringBuilder(ex.getRequestMethod()).append('\n')
                .append(uriEncode("/" + bucket + "/" + key, false)).append('\n');
        TreeMap<String, String> encodedQuery = new TreeMap<>();
        query.forEach((k, v) -> encodedQuery.put(uriEncode(k, true), v == null ? "" : uriEncode(v, true)));
        StringJoiner q = new StringJoiner("&");
        encodedQuery.forEach((k, v) -> q.add(v.isEmpty() ? k : k + "=" + v));
        canonical.append(q).append('\n');
        signed.forEach((k, v) -> canonical.append(k).append(':').append(v).append('\n'));
        canonical.append('\n').append(String.join(";", additional)).append('\n').append(payload);
        String scope = m.group(2) + "/" + region + "/oss/aliyun_v4_request";
        String stringToSign = V4 + "\n" + date + "\n" + scope + "\n"
                + HexFormat.of().formatHex(digest("SHA-256", canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] signingKey = Hmac.sha256(("aliyun_v4" + c.accessKeySecret()).getBytes(StandardCharsets.UTF_8), m.group(2));
        for (String part : List.of(region, "oss", "aliyun_v4_request")) {
            signingKey = Hmac.sha256(signingKey, part);
        }
        String expected = HexFormat.of().formatHex(Hmac.sha256(signingKey, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), m.group(5).getBytes(StandardCharsets.US_ASCII))) {
            return new Refusal("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. "
                    + "StringToSign: " + stringToSign.replace("\n", "\\n") + " CanonicalRequest: " + canonical.toString().replace("\n", "\\n"));
        }
        return null;
    }

    /** RFC 3986 percent-encoding as V4 canonical requests use it: unreserved characters stay, and {@code /} in a path. */
    static String uriEncode(String s, boolean slash) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (b & 0xff);
            if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'
                    || ch == '.' || ch == '~' || (ch == '/' && !slash)) {
                out.append(ch);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
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
