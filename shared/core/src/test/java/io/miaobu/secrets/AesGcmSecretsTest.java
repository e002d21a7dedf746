package io.miaobu.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AesGcmSecretsTest {
    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    private final Secrets secrets = new AesGcmSecrets(key(7));

    @Test
    void a_value_decrypts_to_itself_and_its_ciphertext_shows_nothing_of_it() {
        String sealed = secrets.encrypt("sk_live_supersecret", "env:p1:STRIPE:all");

        assertThat(sealed).startsWith("v1:").doesNotContain("sk_live_supersecret");
        assertThat(secrets.decrypt(sealed, "env:p1:STRIPE:all")).isEqualTo("sk_live_supersecret");
        assertThat(secrets.encrypt("sk_live_supersecret", "env:p1:STRIPE:all")).as("a fresh nonce every time").isNotEqualTo(sealed);
    }

    @Test
    void a_ciphertext_moved_to_another_project_or_key_does_not_decrypt() {
        String sealed = secrets.encrypt("value", "env:p1:TOKEN:all");

        assertThatThrownBy(() -> secrets.decrypt(sealed, "env:p2:TOKEN:all")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> secrets.decrypt(sealed, "env:p1:OTHER:all")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void an_altered_ciphertext_or_another_master_key_is_refused() {
        String sealed = secrets.encrypt("value", "ctx");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length - 1] ^= 1;
        String altered = "v1:" + Base64.getEncoder().encodeToString(raw);

        assertThatThrownBy(() -> secrets.decrypt(altered, "ctx")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new AesGcmSecrets(key(8)).decrypt(sealed, "ctx")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> secrets.decrypt("plaintext", "ctx")).isInstanceOf(IllegalStateException.class);
    }
}
