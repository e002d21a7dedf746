package io.miaobu.domains;

/**
 * Port: where the certificate service leaves HTTP-01 answers for the edge, which serves
 * {@code /.well-known/acme-challenge/{token}} on any host from them (DESIGN §5). Locally a
 * directory the local edge reads; on ESA an edge KV entry under {@link #KV_PREFIX}{token}.
 */
public interface AcmeChallenges {
    /** Reserved edge KV key prefix for challenge answers; route keys never start with it. */
    String KV_PREFIX = "acme-challenge:";

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
