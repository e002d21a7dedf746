package io.miaobu.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.miaobu.errors.ApiError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    private static final User ALICE = new User("u_alice", "alice@example.com", "hash", T0);

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private static ApiError rejected(SessionTokens tokens, String token) {
        ApiError e = catchThrowableOfType(ApiError.class, () -> tokens.verify(token));
        assertThat(e).as("token should be rejected").isNotNull();
        assertThat(e.status()).isEqualTo(401);
        return e;
    }

    @Test
    void a_fresh_token_identifies_its_user() {
        SessionTokens tokens = new SessionTokens(KEY, Duration.ofHours(1), at(T0));
        assertThat(tokens.verify(tokens.issue(ALICE))).isEqualTo("u_alice");
    }

    @Test
    void a_token_is_still_accepted_just_before_it_expires() {
        String token = new SessionTokens(KEY, Duration.ofHours(1), at(T0)).issue(ALICE);
        SessionTokens later = new SessionTokens(KEY, Duration.ofHours(1), at(T0.plus(Duration.ofMinutes(59))));
        assertThat(later.verify(token)).isEqualTo("u_alice");
    }

    @Test
    void an_expired_token_is_refused_with_401_saying_it_expired() {
        String token = new SessionTokens(KEY, Duration.ofHours(1), at(T0)).issue(ALICE);
        SessionTokens later = new SessionTokens(KEY, Duration.ofHours(1), at(T0.plus(Duration.ofHours(2))));

        ApiError e = rejected(later, token);

        assertThat(e.code()).isEqualTo("unauthorized");
        assertThat(e.getMessage()).contains("expired").contains("sign in again");
    }

    @Test
    void a_tampered_token_is_refused() {
        SessionTokens tokens = new SessionTokens(KEY, Duration.ofHours(1), at(T0));
        String token = tokens.issue(ALICE);
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(payload).contains("u_alice");
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace("u_alice", "u_admin").getBytes(StandardCharsets.UTF_8));

        ApiError e = rejected(tokens, parts[0] + "." + forged + "." + parts[2]);

        assertThat(e.getMessage()).contains("not valid").doesNotContain("expired");
    }

    @Test
    void a_token_signed_with_another_key_is_refused() {
        String foreign = new SessionTokens(OTHER_KEY, Duration.ofHours(1), at(T0)).issue(ALICE);
        SessionTokens tokens = new SessionTokens(KEY, Duration.ofHours(1), at(T0));
        assertThat(rejected(tokens, foreign).getMessage()).contains("not valid");
    }

    @Test
    void an_unsigned_token_is_refused() {
        SessionTokens tokens = new SessionTokens(KEY, Duration.ofHours(1), at(T0));
        String[] parts = tokens.issue(ALICE).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        rejected(tokens, none + "." + parts[1] + ".");
    }

    @Test
    void garbage_is_refused_as_not_valid() {
        SessionTokens tokens = new SessionTokens(KEY, Duration.ofHours(1), at(T0));
        assertThat(rejected(tokens, "not-a-jwt").getMessage()).contains("not valid");
        rejected(tokens, "");
    }

    @Test
    void a_correctly_signed_token_without_an_expiry_is_refused() {
        SessionTokens tokens = new SessionTokens(KEY, Duration.ofHours(1), at(T0));
        String forever = com.auth0.jwt.JWT.create().withIssuer("miaobu").withSubject(ALICE.id()).withIssuedAt(T0)
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(KEY));
        assertThat(rejected(tokens, forever).getMessage()).contains("not valid");
    }
}
