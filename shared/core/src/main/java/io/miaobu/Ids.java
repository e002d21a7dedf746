package io.miaobu;

import java.security.SecureRandom;

/**
 * Opaque ids: a one-letter kind then 15 random base32 characters (75 bits). Lowercase letters and
 * digits only, so a deployment id can be a DNS label ({@code {deploymentId}--{slug}.{base}}).
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String user() {
        return random('u', 15);
    }

    public static String project() {
        return random('p', 15);
    }

    public static String deployment() {
        return random('d', 15);
    }

    public static String deployHook() {
        return random('h', 15);
    }

    public static String token(int length) {
        return random('t', length);
    }

    private static String random(char kind, int length) {
        char[] id = new char[length + 1];
        id[0] = kind;
        for (int i = 1; i <= length; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
