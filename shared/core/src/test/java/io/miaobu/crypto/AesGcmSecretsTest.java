package io.miaobu.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AesGcmSecretsTest {
    private static final String TOKEN = "gho_16C7e42F292c6912E7710c838347Ae178B4a";
    private final AesGcmSecrets secrets = new AesGcmSecrets(key());

    @Test
    void a_secret_round_trips_and_its_ciphertext_shows_nothing_of_it() {
        String sealed = secrets.encrypt(TOKEN, "github-token:u1");

        assertThat(sealed).startsWith("v1.").doesNotContain(TOKEN).doesNotContain("gho_");
        assertThat(new String(Base64.getUrlDecoder().decode(sealed.substring(3)), StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN);
        assertThat(secrets.decrypt(sealed, "github-token:u1")).isEqualTo(TOKEN);
    }

    @Test
    void the_same_secret_encrypts_differently_every_time() {
        assertThat(secrets.encrypt(TOKEN, "c")).isNotEqualTo(secrets.encrypt(TOKEN, "c"));
    }

    @Test
    void a_ciphertext_moved_to_another_context_does_not_decrypt() {
        String sealed = secrets.encrypt(TOKEN, "github-token:u1");
        assertThatThrownBy(() -> secrets.decrypt(sealed, "github-token:u2"))
                .isInstanceOf(Secrets.SecretsException.class)
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void an_altered_ciphertext_or_another_key_does_not_decrypt() {
        String sealed = secrets.encrypt(TOKEN, "c");
        char[] chars = sealed.toCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> secrets.decrypt(new String(chars), "c")).isInstanceOf(Secrets.SecretsException.class);
        assertThatThrownBy(() -> new AesGcmSecrets(key()).decrypt(sealed, "c")).isInstanceOf(Secrets.SecretsException.class);
        assertThatThrownBy(() -> secrets.decrypt(TOKEN, "c")).isInstanceOf(Secrets.SecretsException.class);
    }

    @Test
    void only_a_256_bit_key_is_accepted() {
        assertThatThrownBy(() -> new AesGcmSecrets(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
