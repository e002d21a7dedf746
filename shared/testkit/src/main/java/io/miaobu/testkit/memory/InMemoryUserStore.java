package io.miaobu.testkit.memory;

import io.miaobu.auth.User;
import io.miaobu.auth.UserStore;
import io.miaobu.store.DuplicateKeyException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Users by id; emails stored and compared lowercased, one account each, as the table keeps them. */
public final class InMemoryUserStore implements UserStore {
    private final Map<String, User> byId = new ConcurrentHashMap<>();

    @Override
    public synchronized void insert(User user) {
        String email = lower(user.email());
        boolean taken = byId.containsKey(user.id())
                || (email != null && byId.values().stream().anyMatch(u -> email.equals(u.email())));
        if (taken) {
            throw new DuplicateKeyException("user " + user.id() + " / " + email, null);
        }
        byId.put(user.id(), new User(user.id(), email, user.passwordHash(), Micros.of(user.createdAt())));
    }

    @Override
    public Optional<User> findByEmail(String email) {
        String lowered = lower(email);
        return lowered == null ? Optional.empty()
                : byId.values().stream().filter(u -> lowered.equals(u.email())).findFirst();
    }

    @Override
    public Optional<User> findById(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    private static String lower(String email) {
        return email == null ? null : email.toLowerCase(Locale.ROOT);
    }
}
