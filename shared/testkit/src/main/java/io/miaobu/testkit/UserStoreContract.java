package io.miaobu.testkit;

import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.auth.User;
import io.miaobu.auth.UserStore;
import io.miaobu.store.DuplicateKeyException;
import org.junit.jupiter.api.Test;

/** What every UserStore does: PostgreSQL's and the in-memory one the core's unit tests use. */
public abstract class UserStoreContract {
    protected abstract UserStore users();

    @Test
    void an_inserted_user_is_found_by_id_and_by_email() {
        User user = new User(StoreFixtures.id("usr"), StoreFixtures.id("ada") + "@example.com", "$2a$10$abc", now());
        users().insert(user);

        assertThat(users().findById(user.id())).contains(user);
        assertThat(users().findByEmail(user.email())).contains(user);
        assertThat(users().findById("usr_missing")).isEmpty();
        assertThat(users().findByEmail("nobody@example.com")).isEmpty();
    }

    @Test
    void emails_are_stored_lowercased_and_found_in_any_case() {
        String local = StoreFixtures.id("Grace");
        User user = new User(StoreFixtures.id("usr"), local + "@Example.COM", "h", now());
        users().insert(user);

        User stored = users().findById(user.id()).orElseThrow();
        assertThat(stored.email()).isEqualTo(local.toLowerCase() + "@example.com");
        assertThat(users().findByEmail(local.toUpperCase() + "@EXAMPLE.com")).contains(stored);
    }

    @Test
    void a_second_user_with_the_same_email_in_another_case_is_a_duplicate() {
        String email = StoreFixtures.id("linus") + "@example.com";
        users().insert(new User(StoreFixtures.id("usr"), email, "h", now()));

        assertThatThrownBy(() -> users().insert(new User(StoreFixtures.id("usr"), email.toUpperCase(), "h", now())))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void a_second_user_with_the_same_id_is_a_duplicate() {
        User user = new User(StoreFixtures.id("usr"), StoreFixtures.id("ada") + "@example.com", "h", now());
        users().insert(user);
        assertThatThrownBy(() -> users().insert(new User(user.id(), StoreFixtures.id("x") + "@example.com", "h",
                now()))).isInstanceOf(DuplicateKeyException.class);
    }
}
