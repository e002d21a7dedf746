package io.miaobu.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.auth.AuthService.Session;
import io.miaobu.testkit.memory.InMemoryCore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * AuthService on in-memory adapters and a TestClock: registering, signing in, and the sign-in limits
 * whose windows pass without anyone waiting for them (InMemoryCore allows 3 attempts per account per 15 minutes).
 * The password hashing is the real bcrypt at cost 10 (~70 ms a hash): most of this class's time.
 */
class AuthServiceTest {
    final InMemoryCore core = new InMemoryCore();
    static final String CLIENT = "203.0.113.7";

    @Test
    void a_registered_user_signs_in_with_any_case_of_their_email_and_gets_a_token_for_them() {
        Session registered = core.auth.register("  Ada@Example.COM ", "correct horse", CLIENT);

        Session signedIn = core.auth.login("ada@example.com", "correct horse", CLIENT);

        assertThat(registered.user().email()).isEqualTo("ada@example.com");
        assertThat(signedIn.user()).isEqualTo(registered.user());
        assertThat(core.tokens.verify(signedIn.token())).isEqualTo(registered.user().id());
        assertThat(registered.user().passwordHash()).doesNotContain("correct horse");
    }

    @Test
    void an_email_registered_before_in_another_case_is_a_conflict() {
        core.auth.register("ada@example.com", "correct horse", CLIENT);

        assertThatThrownBy(() -> core.auth.register("ADA@example.com", "another one", "198.51.100.1"))
                .hasFieldOrPropertyWithValue("status", 409);
    }

    @Test
    void a_wrong_password_and_an_unknown_email_get_the_same_answer() {
        core.auth.register("ada@example.com", "correct horse", CLIENT);

        assertThatThrownBy(() -> core.auth.login("ada@example.com", "wrong horse", CLIENT))
                .hasFieldOrPropertyWithValue("status", 401).hasMessage("Email or password is incorrect.");
        assertThatThrownBy(() -> core.auth.login("nobody@example.com", "wrong horse", CLIENT))
                .hasFieldOrPropertyWithValue("status", 401).hasMessage("Email or password is incorrect.");
    }

    @Test
    void an_account_is_locked_after_too_many_attempts_until_its_window_passes() {
        core.auth.register("ada@example.com", "correct horse", CLIENT);
        for (int i = 0; i < core.limits.loginAttempts(); i++) {
            assertThatThrownBy(() -> core.auth.login("ada@example.com", "guess", "198.51.100.1"))
                    .hasFieldOrPropertyWithValue("status", 401);
        }

        // Even the right password, from another address: the account's limit is what stops the guessing.
        assertThatThrownBy(() -> core.auth.login("ada@example.com", "correct horse", CLIENT))
                .hasFieldOrPropertyWithValue("status", 429);

        core.clock.advance(core.limits.loginWindow().plusSeconds(1));
        assertThat(core.auth.login("ada@example.com", "correct horse", CLIENT).user().email()).isEqualTo("ada@example.com");
    }

    @Test
    void signing_in_successfully_clears_the_accounts_count() {
        core.auth.register("ada@example.com", "correct horse", CLIENT);
        for (int round = 0; round < 2; round++) { // without the reset, round 2 would pass the limit
            for (int i = 0; i < core.limits.loginAttempts() - 1; i++) {
                assertThatThrownBy(() -> core.auth.login("ada@example.com", "guess", CLIENT))
                        .hasFieldOrPropertyWithValue("status", 401);
            }
            core.auth.login("ada@example.com", "correct horse", CLIENT);
        }
    }

    @Test
    void registrations_from_one_address_are_limited_per_hour() {
        for (int i = 0; i < core.limits.registrations(); i++) {
            core.auth.register("user" + i + "@example.com", "correct horse", CLIENT);
        }

        assertThatThrownBy(() -> core.auth.register("one-more@example.com", "correct horse", CLIENT))
                .hasFieldOrPropertyWithValue("status", 429);
        core.auth.register("elsewhere@example.com", "correct horse", "198.51.100.9");
        core.clock.advance(Duration.ofHours(1).plusSeconds(1));
        core.auth.register("one-more@example.com", "correct horse", CLIENT);
    }

    @Test
    void a_session_token_stops_working_once_it_expires() {
        Session session = core.auth.register("ada@example.com", "correct horse", CLIENT);
        core.clock.advance(Duration.ofDays(7).plusSeconds(1));

        assertThatThrownBy(() -> core.tokens.verify(session.token())).hasFieldOrPropertyWithValue("status", 401);
    }

    @Test
    void weak_or_malformed_credentials_are_refused_on_their_field() {
        assertThatThrownBy(() -> core.auth.register("not-an-email", "correct horse", CLIENT))
                .satisfies(e -> assertThat(ProjectServiceTest.fields(e)).containsOnlyKeys("email"));
        assertThatThrownBy(() -> core.auth.register("ada@example.com", "short", CLIENT))
                .satisfies(e -> assertThat(ProjectServiceTest.fields(e)).containsOnlyKeys("password"));
        assertThatThrownBy(() -> core.auth.register("ada@example.com", "é".repeat(40), CLIENT))
                .satisfies(e -> assertThat(ProjectServiceTest.fields(e)).containsOnlyKeys("password"));
        assertThat(core.userStore.findByEmail("ada@example.com")).isEmpty();
    }
}
