package io.miaobu.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/** bcrypt, cost 10: about 50 ms a check on one core, slow for a guesser, quick for a sign-in. */
public final class PasswordHasher {
    private static final int COST = 10;

    // Verified when the email is unknown, so a sign-in takes as long whether or not the account exists.
    // Made at the first such sign-in (holder class), not at start: a bcrypt hash is a cold start's 50+ ms.
    private static final class Dummy {
        static final String HASH = new String(
                BCrypt.withDefaults().hash(COST, "miaobu-dummy-password".toCharArray()), StandardCharsets.UTF_8);
    }

    public String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    public boolean verify(String password, String hash) {
        return BCrypt.verifyer().verify(password.toCharArray(), hash).verified;
    }

    public void verifyAgainstNothing(String password) {
        verify(password, Dummy.HASH);
    }
}
