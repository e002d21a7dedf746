package io.miaobu.auth;

import io.miaobu.Ids;
import io.miaobu.errors.ApiError;
import io.miaobu.http.Request;
import io.miaobu.store.DuplicateKeyException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Registration, sign-in and the identity behind a request's bearer token. */
public final class AuthService {
    // Deliberately simple: one @, a dotted domain, no spaces. The real check is the user reading their mail.
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$");
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD_BYTES = 72; // bcrypt ignores everything past 72 bytes

    private final UserStore users;
    private final PasswordHasher hasher;
    private final SessionTokens tokens;
    private final Clock clock;
    private final SignInLimits limits;

    public AuthService(UserStore users, PasswordHasher hasher, SessionTokens tokens, Clock clock, SignInLimits limits) {
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
        this.clock = clock;
        this.limits = limits;
    }

    public record Session(String token, User user) {}

    /** @param client the caller's address ({@link Request#clientAddress()}), for the per-address limit */
    public Session register(String email, String password, String client) {
        String normalized = normalizeEmail(email);
        checkPassword(password);
        limits.registration(client);
        User user = new User(Ids.user(), normalized, hasher.hash(password), clock.instant());
        try {
            users.insert(user);
        } catch (DuplicateKeyException e) {
            throw ApiError.conflict("email_taken", "An account with " + normalized + " already exists; sign in instead.");
        }
        return new Session(tokens.issue(user), user);
    }

    /** @param client the caller's address ({@link Request#clientAddress()}), for the per-address limit */
    public Session login(String email, String password, String client) {
        if (email == null || password == null) {
            Map<String, String> missing = new LinkedHashMap<>();
            if (email == null) {
                missing.put("email", "Email is required.");
            }
            if (password == null) {
                missing.put("password", "Password is required.");
            }
            throw ApiError.invalid("invalid_request", "Send both email and password.", missing);
        }
        String normalized = email.trim().toLowerCase(Locale.ROOT);
        limits.attempt(normalized, client);
        var user = users.findByEmail(normalized);
        if (user.isEmpty()) {
            hasher.verifyAgainstNothing(password);
            limits.failed(client);
            throw ApiError.unauthorized("Email or password is incorrect.");
        }
        if (user.get().passwordHash() == null) {
            hasher.verifyAgainstNothing(password);
            limits.failed(client);
            throw ApiError.unauthorized("This account signs in with GitHub; use \"Sign in with GitHub\".");
        }
        if (!hasher.verify(password, user.get().passwordHash())) {
            limits.failed(client);
            throw ApiError.unauthorized("Email or password is incorrect.");
        }
        limits.succeeded(normalized);
        return new Session(tokens.issue(user.get()), user.get());
    }

    /** A session for a user who proved who they are some other way (GitHub sign-in). */
    public Session sessionFor(User user) {
        return new Session(tokens.issue(user), user);
    }

    /** The signed-in user of a request, or 401. */
    public User require(Request request) {
        String header = request.header("authorization").orElseThrow(() ->
                ApiError.unauthorized("Sign in first: send `Authorization: Bearer <token>`."));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthorized("The Authorization header must be `Bearer <token>`.");
        }
        String userId = tokens.verify(header.substring(7).trim());
        return users.findById(userId).orElseThrow(() ->
                ApiError.unauthorized("The account for this token no longer exists; sign in again."));
    }

    private static String normalizeEmail(String email) {
        if (email == null || email.isBlank()) {
            throw ApiError.invalid("invalid_email", "email", "Email is required.");
        }
        String trimmed = email.trim().toLowerCase(Locale.ROOT);
        if (trimmed.length() > 254 || !EMAIL.matcher(trimmed).matches()) {
            throw ApiError.invalid("invalid_email", "email", "\"" + email.trim() + "\" is not a valid email address.");
        }
        return trimmed;
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            throw ApiError.invalid("weak_password", "password", "Password must be at least " + MIN_PASSWORD + " characters long.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw ApiError.invalid("invalid_password", "password", "Password must be at most " + MAX_PASSWORD_BYTES + " bytes long.");
        }
    }
}
