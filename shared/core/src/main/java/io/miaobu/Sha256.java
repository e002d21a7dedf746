package io.miaobu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one digest Miaobu uses: content addresses, token hashes, short stable names, signatures. */
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
}
