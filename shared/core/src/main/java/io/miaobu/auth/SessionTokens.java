package io.miaobu.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import io.miaobu.errors.ApiError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Session tokens: HS256 JWTs whose subject is the user id, signed with a key derived from the master secret. */
public final class SessionTokens {
    private static final String ISSUER = "miaobu";

    private final Algorithm algorithm;
    private volatile JWTVerifier verifier; // built at the first verify: it loads Jackson, which start-up need not
    private final Duration ttl;
    private final Clock clock;

    public SessionTokens(byte[] signingKey, Duration ttl, Clock clock) {
        this.algorithm = Algorithm.HMAC256(signingKey);
        this.ttl = ttl;
        this.clock = clock;
    }

    public String issue(User user) {
        Instant now = clock.instant();
        return JWT.create()
                .withIssuer(ISSUER)
                .withSubject(user.id())
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .sign(algorithm);
    }

    private JWTVerifier verifier() {
        JWTVerifier v = verifier;
        if (v == null) {
            // Every token Miaobu issues expires; one without `exp` would be valid for ever, so it is refused.
            v = ((JWTVerifier.BaseVerification) JWT.require(algorithm).withIssuer(ISSUER).withClaimPresence("exp")
                    .withClaimPresence("sub")).build(clock);
            verifier = v;
        }
        return v;
    }

    /** The user id the token was issued to, or a 401 saying why it is not accepted. */
    public String verify(String token) {
        try {
            return verifier().verify(token).getSubject();
        } catch (TokenExpiredException e) {
            throw ApiError.unauthorized("Your session has expired; sign in again.");
        } catch (JWTVerificationException e) {
            throw ApiError.unauthorized("The access token is not valid; sign in again.");
        }
    }
}
