package io.miaobu.github;

import io.miaobu.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The OAuth {@code state} parameter: signed with a key derived from MIAOBU_SECRET_KEY, valid for
 * ten minutes, naming the user to link GitHub to (if any), and carrying a random nonce that must
 * equal the one in the browser's cookie, so a callback started in another browser (login CSRF, or a
 * stolen "link GitHub" URL) fails.
 */
final class OAuthState {
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;

    OAuthState(byte[] key, Clock clock) {
        this.key = key.clone();
        this.clock = clock;
    }

    record State(String nonce, Optional<String> linkUserId) {}

    static String newNonce() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    /** {@code nonce.linkUser.expiry.mac}; the nonce also goes into the cookie. */
    String issue(String nonce, Optional<String> linkUserId) {
        String body = "state." + nonce + "." + encode(linkUserId.orElse("")) + "." + expiry();
        return body.substring("state.".length()) + "." + mac(body);
    }

    /** The state's contents when its signature, expiry and nonce (from the cookie) all check out. */
    Optional<State> verify(String state, String cookieNonce) {
        String[] parts = state == null ? new String[0] : state.split("\\.", -1);
        if (parts.length != 4 || cookieNonce == null || !signedAndFresh("state." + parts[0] + "." + parts[1] + "." + parts[2], parts[2], parts[3])
                || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.US_ASCII), cookieNonce.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String link = decode(parts[1]);
        return Optional.of(new State(parts[0], link.isEmpty() ? Optional.empty() : Optional.of(link)));
    }

    private boolean signedAndFresh(String body, String expiry, String mac) {
        if (!MessageDigest.isEqual(mac(body).getBytes(StandardCharsets.US_ASCII), mac.getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(expiry)).isAfter(clock.instant());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private long expiry() {
        return clock.instant().plus(LIFETIME).getEpochSecond();
    }

    private String mac(String body) {
        return B64.encodeToString(Sha256.hmac(key, body));
    }

    private static String encode(String text) {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String text) {
        try {
            return new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
