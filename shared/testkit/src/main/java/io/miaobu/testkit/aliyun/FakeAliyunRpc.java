package io.miaobu.testkit.aliyun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.miaobu.aliyun.AliyunCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local server speaking Aliyun's RPC protocol the way the real endpoints do: it checks the
 * signature of every request, V3 (ACS3-HMAC-SHA256, what hand-signed clients and the tea SDKs
 * send) or V1 (HMAC-SHA1 {@code Signature} parameter, what aliyun-java-sdk-core sends), recomputed
 * from the secret it knows; the action's API version; the STS security token; the timestamp and
 * nonce. It refuses a bad request with the real error shape ({@code {"RequestId","Code","Message"}}).
 * Subclasses implement the actions; tests can make the next calls fail (throttling, 500s).
 */
public abstract class FakeAliyunRpc implements AutoCloseable {
    protected static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private final String version;
    private final HttpServer server;
    private final Map<String, AliyunCredentials> accepted = new ConcurrentHashMap<>();
    private final Set<String> nonces = ConcurrentHashMap.newKeySet();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, List<Failure>> failures = new ConcurrentHashMap<>();

    /** One accepted call: the action and its parameters (query and form body merged). */
    public record Call(String action, Map<String, String> params, String signatureVersion) {}

    /** An error the service answers with. */
    public static final class RpcError extends RuntimeException {
        final int status;
        final String code;

        public RpcError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private record Failure(int status, String code, String message) {}

    protected FakeAliyunRpc(String version, AliyunCredentials credentials) {
        this.version = version;
        accept(credentials);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::exchange);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Also accept these credentials (STS credentials rotate: a new set per invocation). */
    public final void accept(AliyunCredentials credentials) {
        accepted.put(credentials.accessKeyId(), credentials);
    }

    /** Stop accepting this access key id (an expired STS credential). */
    public final void revoke(String accessKeyId) {
        accepted.remove(accessKeyId);
    }

    /** http://127.0.0.1:port, for the client's endpoint setting. */
    public final String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public final String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public final List<Call> calls() {
        return List.copyOf(calls);
    }

    public final List<Call> calls(String action) {
        return calls.stream().filter(c -> c.action().equals(action)).toList();
    }

    /** The next {@code times} calls of {@code action} ("*" for any) answer this error instead. */
    public final void failNext(String action, int times, int status, String code, String message) {
        List<Failure> list = failures.computeIfAbsent(action, a -> Collections.synchronizedList(new ArrayList<>()));
        for (int i = 0; i < times; i++) {
            list.add(new Failure(status, code, message));
        }
    }

    /** Answers one action; throw RpcError for an error answer. */
    protected abstract Map<String, Object> handle(String action, Map<String, String> params);

    /** Requests to paths other than the RPC root (uploads and the like); 404 unless a subclass serves them. */
    protected void other(HttpExchange exchange, byte[] body) throws IOException {
        respond(exchange, 404, Map.of("Code", "NotFound", "Message", "no such path " + exchange.getRequestURI().getPath()));
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!exchange.getRequestURI().getPath().equals("/")) {
                other(exchange, body);
                return;
            }
            try {
                Call call = authenticate(exchange, body);
                Failure failure = nextFailure(call.action());
                if (failure != null) {
                    throw new RpcError(failure.status, failure.code, failure.message);
                }
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("RequestId", UUID.randomUUID().toString().toUpperCase(Locale.ROOT));
                answer.putAll(handle(call.action(), call.params()));
                calls.add(call);
                respond(exchange, 200, answer);
            } catch (RpcError e) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("RequestId", UUID.randomUUID().toString().toUpperCase(Locale.ROOT));
                error.put("HostId", hostAndPort());
                error.put("Code", e.code);
                error.put("Message", e.getMessage());
                error.put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + e.code);
                respond(exchange, e.status, error);
            }
        }
    }

    /**
     * For a subclass serving REST paths ({@link #authenticateRoa}): answers a failure queued by {@link #failNext}
     * for this action, and otherwise records the call as {@link #calls()} lists it.
     */
    protected final void accepted(Call call) {
        Failure failure = nextFailure(call.action());
        if (failure != null) {
            throw new RpcError(failure.status, failure.code, failure.message);
        }
        calls.add(call);
    }

    private Failure nextFailure(String action) {
        for (String key : new String[] {action, "*"}) {
            List<Failure> list = failures.get(key);
            if (list != null) {
                synchronized (list) {
                    if (!list.isEmpty()) {
                        return list.remove(0);
                    }
                }
            }
        }
        return null;
    }

    protected static void respond(HttpExchange exchange, int status, Object json) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Call authenticate(HttpExchange exchange, byte[] body) {
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> query = form(rawQuery);
        Map<String, String> bodyParams = new LinkedHashMap<>();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            bodyParams.putAll(form(new String(body, StandardCharsets.UTF_8)));
        }
        Map<String, String> params = new TreeMap<>(query);
        params.putAll(bodyParams);
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Call call;
        if (authorization != null && authorization.startsWith("ACS3-HMAC-SHA256 ")) {
            call = v3(exchange, authorization, rawQuery, body, params);
        } else if (params.containsKey("Signature")) {
            call = v1(exchange, params);
        } else {
            throw new RpcError(400, "MissingAuthorization", "Authorization is mandatory for this action.");
        }
        checkPlacement(call.action(), exchange.getRequestMethod(), query.keySet(), bodyParams.keySet());
        return call;
    }

    /**
     * Refuses an authenticated call whose parameters are not where the service reads them (the method,
     * and which names came in the query string and which in a form body). Lenient by default: RPC
     * endpoints read a POST's form body like its query; subclasses name the actions where they do not.
     */
    protected void checkPlacement(String action, String method, Set<String> inQuery, Set<String> inBody) {}

    private Call v3(HttpExchange exchange, String authorization, String rawQuery, byte[] body, Map<String, String> params) {
        Map<String, String> parts = new TreeMap<>();
        for (String part : authorization.substring("ACS3-HMAC-SHA256 ".length()).split(",")) {
            int eq = part.indexOf('=');
            parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        AliyunCredentials creds = credentials(parts.get("Credential"));
        var headers = exchange.getRequestHeaders();
        String contentSha = headers.getFirst("x-acs-content-sha256");
        if (contentSha == null || !contentSha.equals(hex(sha256(body)))) {
            throw new RpcError(400, "IncompleteSignature", "The request body hash does not match x-acs-content-sha256.");
        }
        List<String> signed = List.of(parts.getOrDefault("SignedHeaders", "").split(";"));
        for (String required : List.of("host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256")) {
            if (!signed.contains(required)) {
                throw new RpcError(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards: " + required + " is not signed.");
            }
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signed) {
            String value = headers.getFirst(name);
            canonicalHeaders.append(name).append(':').append(value == null ? "" : value.trim()).append('\n');
        }
        String canonicalRequest = exchange.getRequestMethod() + "\n" + exchange.getRequestURI().getRawPath() + "\n"
                + canonicalQuery(rawQuery) + "\n" + canonicalHeaders + "\n" + String.join(";", signed) + "\n" + contentSha;
        String stringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        String expected = hex(hmac("HmacSHA256", creds.accessKeySecret(), stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), parts.getOrDefault("Signature", "").getBytes(StandardCharsets.UTF_8))) {
            throw new RpcError(400, "SignatureDoesNotMatch", "Specified signature does not match our calculation. server string to sign is:" + stringToSign);
        }
        checkFreshness(Instant.parse(headers.getFirst("x-acs-date")), headers.getFirst("x-acs-signature-nonce"));
        checkToken(creds, headers.getFirst("x-acs-security-token"));
        String action = headers.getFirst("x-acs-action");
        checkVersion(headers.getFirst("x-acs-version"));
        return new Call(action, params, "ACS3-HMAC-SHA256");
    }

    /**
     * Checks a ROA-style request (a REST path rather than the RPC root, as FC 3.0's API is) the way
     * the RPC endpoints check V3: only {@code ACS3-HMAC-SHA256}, the canonical request over the raw
     * path and query; answers the call with the action its {@code x-acs-action} header names.
     */
    protected final Call authenticateRoa(HttpExchange exchange, byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("ACS3-HMAC-SHA256 ")) {
            throw new RpcError(400, "MissingAuthorization", "Authorization is mandatory for this action (signature V3, ACS3-HMAC-SHA256).");
        }
        String rawQuery = exchange.getRequestURI().getRawQuery();
        return v3(exchange, authorization, rawQuery, body, new TreeMap<>(form(rawQuery)));
    }

    private Call v1(HttpExchange exchange, Map<String, String> params) {
        AliyunCredentials creds = credentials(params.get("AccessKeyId"));
        if (!"HMAC-SHA1".equals(params.get("SignatureMethod"))) {
            throw new RpcError(400, "InvalidSignatureMethod", "Specified signature method is not valid.");
        }
        Map<String, String> signedParams = new TreeMap<>(params);
        String signature = signedParams.remove("Signature");
        String canonical = signedParams.entrySet().stream().map(e -> percent(e.getKey()) + "=" + percent(e.getValue()))
                .collect(Collectors.joining("&"));
        String stringToSign = exchange.getRequestMethod() + "&" + percent("/") + "&" + percent(canonical);
        String expected = Base64.getEncoder().encodeToString(hmac("HmacSHA1", creds.accessKeySecret() + "&", stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))) {
            throw new RpcError(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign);
        }
        checkFreshness(Instant.parse(params.getOrDefault("Timestamp", "1970-01-01T00:00:00Z")), params.get("SignatureNonce"));
        checkToken(creds, params.get("SecurityToken"));
        checkVersion(params.get("Version"));
        Map<String, String> business = new TreeMap<>(params);
        for (String common : List.of("Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp",
                "AccessKeyId", "SecurityToken", "Version", "Action", "Format", "RegionId", "SignatureType")) {
            business.remove(common);
        }
        return new Call(params.get("Action"), business, "HMAC-SHA1");
    }

    private AliyunCredentials credentials(String accessKeyId) {
        AliyunCredentials creds = accessKeyId == null ? null : accepted.get(accessKeyId);
        if (creds == null) {
            throw new RpcError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
        }
        return creds;
    }

    private void checkFreshness(Instant date, String nonce) {
        if (Duration.between(date, Instant.now()).abs().compareTo(MAX_SKEW) > 0) {
            throw new RpcError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
        }
        if (nonce == null || !nonces.add(nonce)) {
            throw new RpcError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        }
    }

    private static void checkToken(AliyunCredentials creds, String sent) {
        if (creds.securityToken().isPresent() && !creds.securityToken().get().equals(sent)) {
            throw new RpcError(400, sent == null ? "MissingSecurityToken" : "InvalidSecurityToken.Mismatch",
                    sent == null ? "SecurityToken is mandatory for this action." : "Specified SecurityToken is invalid.");
        }
    }

    private void checkVersion(String sent) {
        if (!version.equals(sent)) {
            throw new RpcError(400, "InvalidVersion", "Specified parameter Version is not valid.");
        }
    }

    protected static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String canonicalQuery(String rawQuery) {
        // The query as decoded and re-encoded per RFC 3986, sorted by name; decoding first makes a '+' a space.
        return new TreeMap<>(form(rawQuery)).entrySet().stream()
                .map(e -> percent(e.getKey()) + "=" + percent(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String percent(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    protected static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    protected static byte[] hmac(String algorithm, String key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw new RpcError(400, "MissingParameter", "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.");
        }
        return value;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
