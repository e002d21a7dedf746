package io.miaobu.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OAuthStateTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private final Instant now = Instant.parse("2024-05-02T10:00:00Z");
    private final OAuthState states = new OAuthState(KEY, Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void a_state_verifies_with_the_nonce_from_its_own_cookie() {
        String nonce = OAuthState.newNonce();
        String state = states.issue(nonce, Optional.of("u123"));

        assertThat(states.verify(state, nonce)).contains(new OAuthState.State(nonce, Optional.of("u123")));
        assertThat(states.verify(states.issue(nonce, Optional.empty()), nonce).orElseThrow().linkUserId()).isEmpty();
    }

    @Test
    void a_state_from_another_browser_a_forged_one_or_an_old_one_is_refused() {
        String nonce = OAuthState.newNonce();
        String state = states.issue(nonce, Optional.empty());

        assertThat(states.verify(state, OAuthState.newNonce())).as("another browser's cookie").isEmpty();
        assertThat(states.verify(state, null)).as("no cookie").isEmpty();
        assertThat(states.verify(null, nonce)).isEmpty();
        String[] parts = state.split("\\.");
        String forgedLink = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("victim".getBytes())
                + "." + parts[2] + "." + parts[3];
        assertThat(states.verify(forgedLink, nonce)).as("user id swapped in").isEmpty();
        assertThat(new OAuthState("another key, another installation".getBytes(), Clock.fixed(now, ZoneOffset.UTC))
                .verify(state, nonce)).isEmpty();
        OAuthState later = new OAuthState(KEY, Clock.fixed(now.plus(Duration.ofMinutes(11)), ZoneOffset.UTC));
        assertThat(later.verify(state, nonce)).as("expired").isEmpty();
    }
}
