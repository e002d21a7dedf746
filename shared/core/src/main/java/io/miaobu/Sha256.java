package io.miaobu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SHA-256, the one digest Miaobu uses: content addresses, token hashes, short stable names, signatures (HMAC-SHA256). */
public final class Sha256 {
    private Sha256() {}

    /** A fresh digest to feed incrementally. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static byte[] of(byte[] data) {
        return digest().digest(data);
    }

    public static String hex(byte[] data) {
        return HexFormat.of().formatHex(of(data));
    }

    /** Of the text's UTF-8 bytes, in lower-case hexadecimal. */
    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Of everything the stream holds, read to its end; {@code sizeOut[0]} receives the byte count when given. */
    public static String hex(InputStream in, long[] sizeOut) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
            size += n;
        }
        if (sizeOut != null) {
            sizeOut[0] = size;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** HMAC-SHA256 of the text's UTF-8 bytes under {@code key}. */
    public static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }
}
