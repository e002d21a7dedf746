package io.miaobu.aliyun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Calls one Aliyun ROA-style API (REST paths, such as Function Compute 3.0's
 * {@code GET /2023-03-30/functions/{name}}) with the same V3 signature (ACS3-HMAC-SHA256) as
 * {@link AcsRpcClient}: the canonical request is the method, the path, the sorted query, the
 * {@code host}/{@code content-type}/{@code x-acs-*} headers and the body's hash, exactly as Aliyun's tea
 * SDKs sign a {@code style=ROA} call (a JSON body, {@code content-type: application/json}). Errors are
 * {@code {"Code","Message","RequestId"}} as for RPC, and reported the same way; throttling and server
 * errors are retried a few times (every write Miaobu sends is safe to repeat or is checked by its caller).
 */
public final class AcsRoaClient {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String service;
    private final URI endpoint;
    private final String version;
    private final Supplier<AliyunCredentials> credentials;
    private final Clock clock;
    private final int attempts;
    private final Duration backoff;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param endpoint host name ({@code 1234.cn-hangzhou.fc.aliyuncs.com}, HTTPS) or a full http(s) URL
     */
    public AcsRoaClient(String service, String endpoint, String version, Supplier<AliyunCredentials> credentials) {
        this(service, endpoint, version, credentials, Clock.systemUTC(), 3, Duration.ofMillis(200));
    }

    public AcsRoaClient(String service, String endpoint, String version, Supplier<AliyunCredentials> credentials, Clock clock) {
        this(service, endpoint, version, credentials, clock, 3, Duration.ofMillis(200));
    }

    public AcsRoaClient(String service, String endpoint, String version, Supplier<AliyunCredentials> credentials, Clock clock,
                        int attempts, Duration backoff) {
        this.service = service;
        this.endpoint = AcsRpcClient.endpointUri(endpoint);
        this.version = version;
        this.credentials = credentials;
        this.clock = clock;
        this.attempts = Math.max(1, attempts);
        this.backoff = backoff;
    }

    /**
     * GETs {@code path} (already percent-encoded where needed, e.g. {@code /2023-03-30/functions/miaobu-api})
     * as {@code action} and answers its JSON body; throws AliyunApiException on an error answer.
     */
    public JsonNode get(String action, String path) {
        return call("GET", action, path, Map.of(), null);
    }

    /**
     * Sends {@code method path?query} as {@code action} with {@code body} (any Jackson-serialisable value,
     * or null for none) as JSON, and answers the JSON it returns (an empty object for an empty answer).
     */
    public JsonNode call(String method, String action, String path, Map<String, String> query, Object body) {
        return AcsRpcClient.retrying(action, attempts, backoff, () -> once(method, action, path, query, body));
    }

    private JsonNode once(String method, String action, String path, Map<String, String> query, Object body) {
        AliyunCredentials creds = credentials.get();
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        String canonicalQuery = new TreeMap<>(query).entrySet().stream()
                .map(e -> AcsRpcClient.percent(e.getKey()) + "=" + AcsRpcClient.percent(e.getValue()))
                .collect(Collectors.joining("&"));
        Map<String, String> headers = new TreeMap<>();
        headers.put("host", endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort());
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        headers.put("x-acs-action", action);
        headers.put("x-acs-version", version);
        headers.put("x-acs-date", DATE.format(clock.instant()));
        headers.put("x-acs-signature-nonce", UUID.randomUUID().toString());
        headers.put("x-acs-content-sha256", AcsRpcClient.hex(AcsRpcClient.sha256(bytes)));
        creds.securityToken().ifPresent(token -> headers.put("x-acs-security-token", token));
        URI uri = endpoint.resolve(canonicalQuery.isEmpty() ? path : path + "?" + canonicalQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(method, bytes.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("Authorization", AcsRpcClient.authorization(method, path, canonicalQuery, headers, creds));
        headers.forEach((name, value) -> {
            if (!name.equals("host")) {
                request.header(name, value);
            }
        });
        return AcsRpcClient.send(http, request.build(), service, action, endpoint);
    }
}
