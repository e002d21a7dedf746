package io.miaobu.secrets;

/**
 * Port: encrypts small secrets (environment variable values, tokens) before they are stored, and
 * decrypts them for the one place that needs them (a build's environment).
 */
public interface Secrets {
    /**
     * @param context where the secret belongs (for example {@code env:{projectId}:{key}:{target}}); a
     *                ciphertext decrypts only under the same context, so a stored value copied to
     *                another project or variable is useless
     * @return printable ciphertext, safe to store
     */
    String encrypt(String plaintext, String context);

    /** @throws IllegalStateException when the ciphertext was altered, or encrypted under another key or context */
    String decrypt(String ciphertext, String context);
}
