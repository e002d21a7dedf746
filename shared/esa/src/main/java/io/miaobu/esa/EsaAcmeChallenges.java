package io.miaobu.esa;

import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.RamActions;
import io.miaobu.domains.AcmeChallenges;
import java.util.Map;

/**
 * HTTP-01 answers in the same edge KV namespace as the routes, under {@link AcmeChallenges#KV_PREFIX}
 * + token, where the edge routine answers {@code /.well-known/acme-challenge/{token}} from.
 */
final class EsaAcmeChallenges implements AcmeChallenges {
    /** What the functions' role must allow for HTTP-01 answers in edge KV. */
    static final RamActions RAM_ACTIONS = RamActions.rpc("ESA ACME challenges (edge KV)", "esa", "PutKv", "DeleteKv");

    private final EsaApi api;
    private final String namespace;

    EsaAcmeChallenges(EsaApi api, String namespace) {
        this.api = api;
        this.namespace = namespace;
    }

    @Override
    public void put(String token, String keyAuthorization) {
        api.call("PutKv", Map.of("Namespace", namespace, "Key", KV_PREFIX + AcmeChallenges.checkToken(token),
                "Value", keyAuthorization));
    }

    @Override
    public void delete(String token) {
        try {
            api.call("DeleteKv", Map.of("Namespace", namespace, "Key", KV_PREFIX + AcmeChallenges.checkToken(token)));
        } catch (AliyunApiException e) {
            if (!"InvalidKey.NotFound".equals(e.code())) {
                throw e;
            }
        }
    }
}
