package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.auth.User;
import io.miaobu.store.DuplicateKeyException;
import io.miaobu.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresUserStoreTest {
    static PostgresDatabase db;

    @BeforeAll
    static void open() {
        db = PostgresDatabase.connect(TestPostgres.freshDatabase(), null, null);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void an_inserted_user_is_found_by_id_and_by_email() {
        User user = new User(Fixtures.id("usr"), Fixtures.id("ada") + "@example.com", "$2a$10$abc", Fixtures.now());
        db.users().insert(user);

        assertThat(db.users().findById(user.id())).contains(user);
        assertThat(db.users().findByEmail(user.email())).contains(user);
        assertThat(db.users().findById("usr_missing")).isEmpty();
        assertThat(db.users().findByEmail("nobody@example.com")).isEmpty();
    }

    @Test
    void emails_are_stored_lowercased_and_found_in_any_case() {
        String local = Fixtures.id("Grace");
        User user = new User(Fixtures.id("usr"), local + "@Example.COM", "h", Fixtures.now());
        db.users().insert(user);

        User stored = db.users().findById(user.id()).orElseThrow();
        assertThat(stored.email()).isEqualTo(local.toLowerCase() + "@example.com");
        assertThat(db.users().findByEmail(local.toUpperCase() + "@EXAMPLE.com")).contains(stored);
    }

    @Test
    void a_second_user_with_the_same_email_in_another_case_is_a_duplicate() {
        String email = Fixtures.id("linus") + "@example.com";
        db.users().insert(new User(Fixtures.id("usr"), email, "h", Fixtures.now()));

        assertThatThrownBy(() -> db.users().insert(new User(Fixtures.id("usr"), email.toUpperCase(), "h", Fixtures.now())))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void a_second_user_with_the_same_id_is_a_duplicate() {
        User user = Fixtures.user(db);
        assertThatThrownBy(() -> db.users().insert(new User(user.id(), Fixtures.id("x") + "@example.com", "h",
                Fixtures.now()))).isInstanceOf(DuplicateKeyException.class);
    }
}
