package io.miaobu.esa;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AcsRpcClient;
import io.miaobu.aliyun.AcsRpcClient.Placement;
import io.miaobu.aliyun.AliyunCredentials;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * ESA's RPC API (version 2024-09-10). There is no ESA Java SDK on Maven Central, so actions are
 * called by name through the signed RPC client; the adapters in this package name the few they use.
 * Each action's parameters travel where the official {@code esa20240910} SDK puts them: {@code GetKv},
 * {@code DeleteKv}, {@code ListRecords}, {@code GetSite} and {@code GetKvNamespace} (read by
 * {@code ./miaobu cloud check}) are GETs with a query string; {@code PutKv} is a POST with
 * everything but {@code Value} in the query and {@code Value} in a form body; the others (the routine
 * upload APIs among them) are POSTs with a form body.
 */
public final class EsaApi {
    public static final String VERSION = "2024-09-10";

    private static final Map<String, Placement> PLACEMENTS = Map.of(
            "GetKv", Placement.QUERY,
            "DeleteKv", Placement.QUERY,
            "ListRecords", Placement.QUERY,
            "GetSite", Placement.QUERY,
            "GetKvNamespace", Placement.QUERY,
            "PutKv", Placement.post(Set.of("Namespace", "Key", "Base64", "Expiration", "ExpirationTtl")));

    private final AcsRpcClient client;

    public EsaApi(AcsRpcClient client) {
        this.client = client;
    }

    public static EsaApi of(String endpoint, Supplier<AliyunCredentials> credentials) {
        return new EsaApi(new AcsRpcClient("ESA", endpoint, VERSION, credentials));
    }

    public JsonNode call(String action, Map<String, String> params) {
        return client.call(action, params, placement(action));
    }

    static Placement placement(String action) {
        return PLACEMENTS.getOrDefault(action, Placement.FORM);
    }
}
