package io.miaobu.postgres;

import io.miaobu.auth.User;
import io.miaobu.auth.UserStore;
import java.util.Locale;
import java.util.Optional;

/** Users in PostgreSQL. Emails are lowercased on the way in and on lookup. */
public final class PostgresUserStore implements UserStore {
    private final UserDao dao;

    public PostgresUserStore(UserDao dao) {
        this.dao = dao;
    }

    @Override
    public void insert(User user) {
        User lowered = new User(user.id(), lower(user.email()), user.passwordHash(), user.createdAt());
        Sql.translatingDuplicates("user " + user.id() + " / " + lowered.email(), () -> dao.insert(lowered));
    }

    @Override
    public Optional<User> findByEmail(String email) {
        return email == null ? Optional.empty() : dao.findByEmail(lower(email));
    }

    @Override
    public Optional<User> findById(String id) {
        return dao.findById(id);
    }

    private static String lower(String email) {
        return email == null ? null : email.toLowerCase(Locale.ROOT);
    }
}
