package io.miaobu.crypto;

/**
 * Encrypts secrets at rest (GitHub tokens; env vars share the port). The {@code context} is bound
 * into the ciphertext (e.g. {@code "github-token:" + userId}), so a value copied to another row or
 * purpose does not decrypt.
 */
public interface Secrets {
    /** Ciphertext as printable text, safe for a TEXT column. */
    String encrypt(String plaintext, String context);

    /**
     * @throws SecretsException when the ciphertext was altered, belongs to another context, or was
     *                          made with another key (MIAOBU_SECRET_KEY changed)
     */
    String decrypt(String ciphertext, String context);

    /** A secret that cannot be decrypted. The message never contains the secret. */
    final class SecretsException extends RuntimeException {
        public SecretsException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
