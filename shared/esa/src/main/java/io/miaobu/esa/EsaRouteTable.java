package io.miaobu.esa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.RamActions;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteKeys;
import io.miaobu.edge.RouteTable;
import io.miaobu.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * RouteTable on ESA edge KV: one key per host, {@link RouteKeys#encode} of the hostname (the edge
 * routine encodes the request's host the same way), the route entry's JSON as the value.
 */
public final class EsaRouteTable implements RouteTable {
    /** What the functions' role must allow for routes in edge KV. */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("ESA route table (edge KV)", "esa", "PutKv", "GetKv", "DeleteKv");

    /** The routine reads values up to 1.8 MB (the API would take 2 MB): a bigger entry could never be served. */
    static final int MAX_VALUE_BYTES = 1_800_000;

    private final EsaApi api;
    private final String namespace;

    public EsaRouteTable(EsaApi api, String namespace) {
        this.api = api;
        this.namespace = namespace;
    }

    @Override
    public void put(String host, RouteEntry entry) {
        String value = Json.writeString(entry);
        int size = value.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("The route entry for " + host + " is " + size + " bytes; edge KV values "
                    + "the edge routine can read are at most " + MAX_VALUE_BYTES + " bytes. Reduce the deployment's "
                    + "redirect and header rules (_redirects, _headers, miaobu.json).");
        }
        call("PutKv", host, Map.of("Namespace", namespace, "Key", RouteKeys.encode(host), "Value", value));
    }

    @Override
    public Optional<RouteEntry> get(String host) {
        JsonNode answer;
        try {
            answer = call("GetKv", host, Map.of("Namespace", namespace, "Key", RouteKeys.encode(host)));
        } catch (AliyunApiException e) {
            if ("InvalidKey.NotFound".equals(e.code())) {
                return Optional.empty();
            }
            throw e;
        }
        try {
            return Optional.of(Json.MAPPER.readValue(answer.path("Value").asText(), RouteEntry.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The edge KV value for " + host + " (key " + RouteKeys.encode(host)
                    + " in namespace " + namespace + ") is not a route entry: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void delete(String host) {
        try {
            call("DeleteKv", host, Map.of("Namespace", namespace, "Key", RouteKeys.encode(host)));
        } catch (AliyunApiException e) {
            if (!"InvalidKey.NotFound".equals(e.code())) {
                throw e;
            }
        }
    }

    private JsonNode call(String action, String host, Map<String, String> params) {
        try {
            return api.call(action, params);
        } catch (AliyunApiException e) {
            String code = e.code() == null ? "" : e.code();
            if (code.startsWith("InvalidNameSpace") || code.startsWith("InvalidNamespace")) {
                throw new AliyunApiException(action, e.status(), e.code(), "Edge KV namespace \"" + namespace
                        + "\" is not usable (" + code + "): create it in the ESA console (Edge KV) or with CreateKvNamespace "
                        + "in this account, and set MIAOBU_ESA_KV_NAMESPACE to its name, the same one the edge routine "
                        + "was published with. " + e.getMessage(), e.requestId(), e);
            }
            if (code.equals("InvalidValue.ExceedsMaximum")) {
                throw new IllegalArgumentException("Edge KV refused the route entry for " + host + " as too large: "
                        + "reduce the deployment's redirect and header rules. " + e.getMessage(), e);
            }
            throw e;
        }
    }
}
