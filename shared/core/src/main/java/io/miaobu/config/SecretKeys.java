package io.miaobu.config;

import io.miaobu.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * The platform's master secret (MIAOBU_SECRET_KEY, base64 of 32+ bytes). Purpose keys (session
 * signing, encryption) are derived from it with HMAC, so one secret can be rotated in one place.
 * Local mode generates it once into the data directory.
 */
public final class SecretKeys {
    private final byte[] master;

    private SecretKeys(byte[] master) {
        this.master = master;
    }

    public static SecretKeys fromBase64(String value) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MIAOBU_SECRET_KEY must be base64 (e.g. `openssl rand -base64 32`)");
        }
        if (bytes.length < 32) {
            throw new ConfigException("MIAOBU_SECRET_KEY must decode to at least 32 bytes; generate one with `openssl rand -base64 32`");
        }
        return new SecretKeys(bytes);
    }

    /** MIAOBU_SECRET_KEY when set, else the key file under the data directory, created on first use. */
    public static SecretKeys fromConfigOrFile(Optional<String> configured, Path keyFile) {
        if (configured.isPresent()) {
            return fromBase64(configured.get());
        }
        try {
            return fromBase64(PrivateFiles.secret(keyFile));
        } catch (IOException e) {
            throw new ConfigException("cannot read or create the secret key file " + keyFile + ": " + e.getMessage());
        }
    }

    /** Requires MIAOBU_SECRET_KEY: functions in the cloud have no data directory to keep a key in. */
    public static SecretKeys required(Optional<String> configured) {
        return fromBase64(configured.orElseThrow(() -> new ConfigException(
                "MIAOBU_SECRET_KEY is not set; generate one with `openssl rand -base64 32`")));
    }

    public byte[] derive(String purpose) {
        return Sha256.hmac(master, purpose);
    }
}
