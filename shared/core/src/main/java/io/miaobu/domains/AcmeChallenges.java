package io.miaobu.domains;

/**
 * Port: where the certificate service leaves HTTP-01 answers for the edge, which serves
 * {@code /.well-known/acme-challenge/{token}} on any host from them (DESIGN §5). Locally a
 * directory the local edge reads; on ESA an edge KV entry {@link #KV_PREFIX}{token}.
 */
public interface AcmeChallenges {
    /**
     * Reserved edge KV key prefix for challenge answers (edge/src/engine.js ACME_KV_PREFIX, served by
     * edge/src/esa.js): capitals in route keys come only in pairs (io.miaobu.edge.RouteKeys), and the
     * prefix's {@code CHALLENGE} is an odd run, so no route key starts with it. Edge KV keys allow only
     * letters, digits, - and _ (at most 512 bytes), and so do tokens: a challenge key has at most 271.
     */
    String KV_PREFIX = "ACME_CHALLENGE_";

    void put(String token, String keyAuthorization);

    void delete(String token);

    /** Tokens are base64url (RFC 8555 §8.3); anything else is refused so it cannot name another file or key. */
    static String checkToken(String token) {
        if (token == null || !token.matches("[A-Za-z0-9_-]{16,256}")) {
            throw new IllegalArgumentException("not an ACME challenge token: " + token);
        }
        return token;
    }
}
