package io.miaobu.api;

import io.miaobu.auth.User;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The signed-in user: never the password hash. */
@ApiSchema("User")
public record UserView(String id, String email, @Nullable String githubLogin, Instant createdAt) {

    /** @param githubLogin the GitHub account linked to the user, or null */
    public static UserView of(User user, @Nullable String githubLogin) {
        return new UserView(user.id(), user.email(), githubLogin, user.createdAt());
    }
}
