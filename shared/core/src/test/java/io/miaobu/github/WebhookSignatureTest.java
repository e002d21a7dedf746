package io.miaobu.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private final WebhookSignature signature = new WebhookSignature("It's a Secret to Everybody");

    @Test
    void githubs_documented_example_verifies() {
        // The example from GitHub's "Validating webhook deliveries" page.
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        String expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

        assertThat(signature.sign(body)).isEqualTo(expected);
        assertThat(signature.verify(body, expected)).isTrue();
        assertThat(signature.verify(body, expected.toUpperCase().replace("SHA256=", "sha256="))).isTrue();
    }

    @Test
    void a_changed_body_a_wrong_secret_or_a_malformed_header_fails() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        String good = signature.sign(body);

        assertThat(signature.verify("{\"ref\":\"refs/heads/evil\"}".getBytes(StandardCharsets.UTF_8), good)).isFalse();
        assertThat(new WebhookSignature("another secret").verify(body, good)).isFalse();
        assertThat(signature.verify(body, null)).isFalse();
        assertThat(signature.verify(body, "")).isFalse();
        assertThat(signature.verify(body, good.substring(7))).isFalse();
        assertThat(signature.verify(body, "sha1=" + good.substring(7))).isFalse();
        assertThat(signature.verify(body, good.substring(0, good.length() - 2))).isFalse();
        assertThat(signature.verify(body, "sha256=" + "zz".repeat(32))).isFalse();
    }
}
