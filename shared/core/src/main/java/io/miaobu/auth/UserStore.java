package io.miaobu.auth;

import java.util.Optional;

public interface UserStore {
    /** @throws io.miaobu.store.DuplicateKeyException when the email is already registered */
    void insert(User user);

    /** Emails are stored and compared lowercased. */
    Optional<User> findByEmail(String email);

    Optional<User> findById(String id);
}
