package io.miaobu.aliyun;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Reads one Aliyun ROA-style API (REST paths, such as Function Compute 3.0's
 * {@code GET /2023-03-30/functions/{name}}) with the same V3 signature (ACS3-HMAC-SHA256) as
 * {@link AcsRpcClient}: the canonical request is the method, the path, the (empty) query, the
 * {@code host}/{@code x-acs-*} headers and the body's hash, exactly as Aliyun's tea SDKs sign a
 * {@code style=ROA} call. Only GETs: Miaobu reads these APIs (the operator's doctor), it does not
 * deploy with them. Errors are {@code {"Code","Message","RequestId"}} as for RPC, and reported the same way.
 */
public final class AcsRoaClient {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final String service;
    private final URI endpoint;
    private final String version;
    private final Supplier<AliyunCredentials> credentials;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param endpoint host name ({@code 1234.cn-hangzhou.fc.aliyuncs.com}, HTTPS) or a full http(s) URL
     */
    public AcsRoaClient(String service, String endpoint, String version, Supplier<AliyunCredentials> credentials) {
        this(service, endpoint, version, credentials, Clock.systemUTC());
    }

    public AcsRoaClient(String service, String endpoint, String version, Supplier<AliyunCredentials> credentials, Clock clock) {
        this.service = service;
        this.endpoint = AcsRpcClient.endpointUri(endpoint);
        this.version = version;
        this.credentials = credentials;
        this.clock = clock;
    }

    /**
     * GETs {@code path} (already percent-encoded where needed, e.g. {@code /2023-03-30/functions/miaobu-api})
     * as {@code action} and answers its JSON body; throws AliyunApiException on an error answer.
     */
    public JsonNode get(String action, String path) {
        AliyunCredentials creds = credentials.get();
        Map<String, String> headers = new TreeMap<>();
        headers.put("host", endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort());
        headers.put("x-acs-action", action);
        headers.put("x-acs-version", version);
        headers.put("x-acs-date", DATE.format(clock.instant()));
        headers.put("x-acs-signature-nonce", UUID.randomUUID().toString());
        headers.put("x-acs-content-sha256", AcsRpcClient.hex(AcsRpcClient.sha256(new byte[0])));
        creds.securityToken().ifPresent(token -> headers.put("x-acs-security-token", token));
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(30)).GET()
                .header("Authorization", AcsRpcClient.authorization("GET", path, "", headers, creds));
        headers.forEach((name, value) -> {
            if (!name.equals("host")) {
                request.header(name, value);
            }
        });
        return AcsRpcClient.send(http, request.build(), service, action, endpoint);
    }
}
