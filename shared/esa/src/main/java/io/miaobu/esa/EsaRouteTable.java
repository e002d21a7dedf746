package io.miaobu.esa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.RamActions;
import io.miaobu.edge.FileManifest;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteKeys;
import io.miaobu.edge.RouteTable;
import io.miaobu.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RouteTable on ESA edge KV: one key per host, {@link RouteKeys#encode} of the hostname (the edge
 * routine encodes the request's host the same way), the route entry's JSON as the value; and each
 * deployment's file list under {@link FileManifest}'s keys, which the routine decides from (so it
 * never probes the origin: ESA allows 4 sub-requests in flight per request).
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
        call("PutKv", "the route entry for " + host, Map.of("Namespace", namespace, "Key", RouteKeys.encode(host), "Value", value));
    }

    @Override
    public Optional<RouteEntry> get(String host) {
        JsonNode answer;
        try {
            answer = call("GetKv", "the route entry for " + host, Map.of("Namespace", namespace, "Key", RouteKeys.encode(host)));
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
        deleteKey(RouteKeys.encode(host), "the route entry for " + host);
    }

    /** Shards first, the head (the key the routine reads first) last, so the routine never sees a head without its shards. */
    @Override
    public void putManifest(String deploymentId, Collection<String> paths) {
        List<Map.Entry<String, String>> values = new ArrayList<>(FileManifest.values(deploymentId, paths, MAX_VALUE_BYTES).entrySet());
        Collections.reverse(values);
        String subject = "the file list of deployment " + deploymentId;
        for (Map.Entry<String, String> value : values) {
            call("PutKv", subject, Map.of("Namespace", namespace, "Key", value.getKey(), "Value", value.getValue()));
        }
    }

    /** The head first (the routine then says the list is missing rather than reading half of it), then its shards. */
    @Override
    public void deleteManifest(String deploymentId) {
        String head = FileManifest.key(deploymentId);
        String subject = "the file list of deployment " + deploymentId;
        JsonNode answer;
        try {
            answer = call("GetKv", subject, Map.of("Namespace", namespace, "Key", head));
        } catch (AliyunApiException e) {
            if ("InvalidKey.NotFound".equals(e.code())) {
                return;
            }
            throw e;
        }
        int shards;
        try {
            shards = Json.MAPPER.readTree(answer.path("Value").asText()).path("shards").asInt(1);
        } catch (JsonProcessingException e) {
            shards = 1;
        }
        deleteKey(head, subject);
        for (int k = 0; shards > 1 && k < shards; k++) {
            deleteKey(FileManifest.key(deploymentId, k), subject);
        }
    }

    private void deleteKey(String key, String subject) {
        try {
            call("DeleteKv", subject, Map.of("Namespace", namespace, "Key", key));
        } catch (AliyunApiException e) {
            if (!"InvalidKey.NotFound".equals(e.code())) {
                throw e;
            }
        }
    }

    private JsonNode call(String action, String subject, Map<String, String> params) {
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
                throw new IllegalArgumentException("Edge KV refused " + subject + " as too large: "
                        + "reduce the deployment's redirect and header rules. " + e.getMessage(), e);
            }
            throw e;
        }
    }
}
