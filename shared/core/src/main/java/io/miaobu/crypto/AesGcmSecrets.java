package io.miaobu.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a fresh 96-bit nonce per value and the context as associated data. The stored
 * form is {@code v1.} + base64url(nonce || ciphertext || tag); the version prefix leaves room for
 * a key rotation without guessing which key a row was written with.
 */
public final class AesGcmSecrets implements Secrets {
    private static final String VERSION = "v1.";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /** @param key 32 bytes, e.g. {@code SecretKeys.derive("secrets-aes-256-gcm")} */
    public AesGcmSecrets(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("AES-256 needs a 32-byte key, got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    @Override
    public String encrypt(String plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    @Override
    public String decrypt(String ciphertext, String context) {
        if (ciphertext == null || !ciphertext.startsWith(VERSION)) {
            throw new SecretsException("not a Miaobu secret (expected the v1. format)", null);
        }
        try {
            byte[] raw = Base64.getUrlDecoder().decode(ciphertext.substring(VERSION.length()));
            if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new SecretsException("secret is truncated", null);
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SecretsException("secret is not valid base64", e);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SecretsException("secret does not decrypt: altered, stored for another purpose, or MIAOBU_SECRET_KEY changed", e);
        } catch (GeneralSecurityException e) {
            throw new SecretsException("secret does not decrypt", e);
        }
    }
}
