package io.miaobu.esa;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AcsRpcClient;
import io.miaobu.aliyun.AliyunCredentials;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ESA's RPC API (version 2024-09-10). There is no ESA Java SDK on Maven Central, so actions are
 * called by name through the signed RPC client; the adapters in this package name the few they use.
 */
public final class EsaApi {
    public static final String VERSION = "2024-09-10";

    private final AcsRpcClient client;

    public EsaApi(AcsRpcClient client) {
        this.client = client;
    }

    public static EsaApi of(String endpoint, Supplier<AliyunCredentials> credentials) {
        return new EsaApi(new AcsRpcClient("ESA", endpoint, VERSION, credentials));
    }

    public JsonNode call(String action, Map<String, String> params) {
        return client.call(action, params);
    }
}
