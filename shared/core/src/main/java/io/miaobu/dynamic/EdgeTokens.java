package io.miaobu.dynamic;

import io.miaobu.Sha256;
import io.miaobu.config.SecretKeys;
import java.util.HexFormat;

/**
 * The secret each deployment's functions expect in {@code x-miaobu-edge-token} (runtimes contract §2): the
 * edge sends it, a runtime refuses a request without it, so a function's backend URL is useless to anyone
 * who learns it. Derived from the platform's secret and the deployment id, so it is never stored apart from
 * where the edge reads it, differs per deployment (one leaked token opens one deployment's functions, and
 * none once it is deleted), and the platform can recompute it at any time.
 */
public final class EdgeTokens {
    /** The variable the runtime reads the expected token from (and removes before user code loads). */
    public static final String VARIABLE = "MIAOBU_EDGE_TOKEN";

    private final byte[] key;

    public EdgeTokens(SecretKeys keys) {
        this.key = keys.derive("function-edge-token");
    }

    /** 64 hex characters. */
    public String forDeployment(String deploymentId) {
        return HexFormat.of().formatHex(Sha256.hmac(key, deploymentId));
    }
}
