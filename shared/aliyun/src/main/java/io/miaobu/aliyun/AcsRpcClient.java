package io.miaobu.aliyun;

import io.miaobu.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calls one Aliyun RPC-style API (ESA, CAS, ...) with the V3 signature (ACS3-HMAC-SHA256), over
 * the JDK's HTTP client: no vendor SDK, so the functions that only need a few actions stay small.
 * Parameters travel as a form body unless the caller says otherwise ({@link Placement}: some actions
 * are GET with a query string, or split between query and body, exactly as the product's official SDK
 * sends them); nested values are passed already serialised (JSON strings), as Aliyun's own SDKs do. Credentials are fetched for every call, because STS credentials rotate.
 * Throttling and server errors are retried a few times, then reported with the service's code.
 */
public final class AcsRpcClient {
    static final String ALGORITHM = "ACS3-HMAC-SHA256";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String service;
    private final URI endpoint;
    private final String version;
    private final Supplier<AliyunCredentials> credentials;
    private final HttpClient http;
    private final Clock clock;
    private final int attempts;
    private final Duration backoff;

    /**
     * @param service  the product's name for messages ("ESA")
     * @param endpoint host name ({@code esa.cn-hangzhou.aliyuncs.com}, HTTPS) or a full http(s) URL
     */
    public AcsRpcClient(String service, String endpoint, String version, Supplier<AliyunCredentials> credentials) {
        this(service, endpoint, version, credentials, Clock.systemUTC(), 3, Duration.ofMillis(200));
    }

    public AcsRpcClient(String service, String endpoint, String version, Supplier<AliyunCredentials> credentials,
                        Clock clock, int attempts, Duration backoff) {
        this.service = service;
        this.endpoint = endpointUri(endpoint);
        this.version = version;
        this.credentials = credentials;
        this.clock = clock;
        this.attempts = Math.max(1, attempts);
        this.backoff = backoff;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static URI endpointUri(String endpoint) {
        String e = endpoint.trim().replaceAll("/+$", "");
        return URI.create(e.contains("://") ? e + "/" : "https://" + e + "/");
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * Where one action's parameters travel: the HTTP method, and which parameter names go in the query
     * string (the others go in a form body). The signature covers both: the query in the canonical
     * query string, the body through its hash.
     */
    public record Placement(String method, Predicate<String> inQuery) {
        /** POST with every parameter in a form body. */
        public static final Placement FORM = new Placement("POST", name -> false);
        /** GET with every parameter in the query string. */
        public static final Placement QUERY = new Placement("GET", name -> true);

        /** POST with these parameters in the query string and the others in a form body. */
        public static Placement post(Set<String> queryNames) {
            return new Placement("POST", queryNames::contains);
        }
    }

    /** Calls {@code action} and answers its JSON body; throws AliyunApiException on an error answer. */
    public JsonNode call(String action, Map<String, String> params) {
        return call(action, params, Placement.FORM);
    }

    /** Calls {@code action} with its parameters placed as {@code placement} says. */
    public JsonNode call(String action, Map<String, String> params, Placement placement) {
        return retrying(action, attempts, backoff, () -> once(action, params, placement));
    }

    /** Runs {@code once} until it succeeds, fails for good, or {@code attempts} retryable failures were spent. */
    static JsonNode retrying(String action, int attempts, Duration backoff, Supplier<JsonNode> once) {
        AliyunApiException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return once.get();
            } catch (AliyunApiException e) {
                if (!e.retryable() || attempt == attempts) {
                    throw attempt == 1 ? e : new AliyunApiException(action, e.status(), e.code(),
                            e.getMessage() + " (gave up after " + attempt + " attempts)", e.requestId(), e.getCause());
                }
                last = e;
                sleep(backoff.multipliedBy(1L << (attempt - 1)));
            }
        }
        throw last; // not reached
    }

    private JsonNode once(String action, Map<String, String> params, Placement placement) {
        AliyunCredentials creds = credentials.get();
        Map<String, String> query = new TreeMap<>();
        Map<String, String> form = new LinkedHashMap<>();
        params.forEach((name, value) -> (placement.inQuery().test(name) ? query : form).put(name, value));
        if (!form.isEmpty() && placement.method().equals("GET")) {
            throw new IllegalArgumentException(service + " " + action + " is a GET: " + form.keySet() + " cannot travel in a body");
        }
        String canonicalQuery = query.entrySet().stream().map(e -> percent(e.getKey()) + "=" + percent(e.getValue()))
                .collect(Collectors.joining("&"));
        byte[] body = formBody(form);
        Map<String, String> headers = new TreeMap<>();
        headers.put("host", endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort());
        if (!form.isEmpty()) {
            headers.put("content-type", "application/x-www-form-urlencoded");
        }
        headers.put("x-acs-action", action);
        headers.put("x-acs-version", version);
        headers.put("x-acs-date", DATE.format(clock.instant()));
        headers.put("x-acs-signature-nonce", UUID.randomUUID().toString());
        headers.put("x-acs-content-sha256", hex(sha256(body)));
        creds.securityToken().ifPresent(token -> headers.put("x-acs-security-token", token));
        String authorization = authorization(placement.method(), "/", canonicalQuery, headers, creds);

        URI uri = canonicalQuery.isEmpty() ? endpoint : URI.create(endpoint + "?" + canonicalQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .method(placement.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", authorization);
        headers.forEach((name, value) -> {
            if (!name.equals("host")) {
                request.header(name, value);
            }
        });
        return send(http, request.build(), service, action, endpoint);
    }

    /** Sends one signed request and answers its JSON body; an error answer, or none, is an AliyunApiException. */
    static JsonNode send(HttpClient http, HttpRequest request, String service, String action, URI endpoint) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AliyunApiException(action, 0, "NetworkError",
                    service + " " + action + " could not reach " + endpoint + ": " + e, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AliyunApiException(action, 0, "Interrupted", service + " " + action + " was interrupted", null, e);
        }
        JsonNode json;
        try {
            json = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AliyunApiException(action, response.statusCode(), "InvalidResponse", service + " " + action
                    + " answered HTTP " + response.statusCode() + " with a body that is not JSON", null, e);
        }
        if (response.statusCode() / 100 != 2) {
            // RPC answers Code/Message; some ROA services answer them in lower case.
            String code = json.path("Code").asText(json.path("code").asText("HTTP" + response.statusCode()));
            String message = json.path("Message").asText(json.path("message").asText("no message"));
            String requestId = json.path("RequestId").asText(null);
            throw new AliyunApiException(action, response.statusCode(), code, service + " " + action + " failed with "
                    + code + " (HTTP " + response.statusCode() + "): " + message
                    + (requestId == null ? "" : " [request id " + requestId + "]"), requestId, null);
        }
        return json;
    }

    /** The V3 Authorization header for a request whose lower-case headers are given (host included). */
    static String authorization(String method, String path, String canonicalQuery, Map<String, String> headers,
                                AliyunCredentials creds) {
        Map<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals("host") || n.equals("content-type") || n.startsWith("x-acs-")) {
                signed.put(n, value.trim());
            }
        });
        String canonicalHeaders = signed.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue() + "\n")
                .collect(Collectors.joining());
        String signedHeaders = String.join(";", signed.keySet());
        String canonicalRequest = method + "\n" + path + "\n" + canonicalQuery + "\n" + canonicalHeaders + "\n"
                + signedHeaders + "\n" + signed.get("x-acs-content-sha256");
        String stringToSign = ALGORITHM + "\n" + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        String signature = hex(hmacSha256(creds.accessKeySecret(), stringToSign));
        return ALGORITHM + " Credential=" + creds.accessKeyId() + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature;
    }

    private static byte[] formBody(Map<String, String> params) {
        Map<String, String> ordered = new LinkedHashMap<>(params);
        return ordered.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 3986 percent-encoding (unreserved characters stay), as the V3 canonical query string wants. */
    static String percent(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-_.~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    static byte[] sha256(byte[] data) {
        return Sha256.of(data);
    }

    static byte[] hmacSha256(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
