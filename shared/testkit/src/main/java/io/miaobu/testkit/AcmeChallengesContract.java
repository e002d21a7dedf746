package io.miaobu.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.domains.AcmeChallenges;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every AcmeChallenges does: the ESA edge KV, the local edge's directory and the in-memory one.
 * An answer is served from the moment it is put until it is deleted; deleting is safe to repeat (a
 * failed order cleans up what may never have been written); and a token that is not base64url is
 * refused before anything is written, so it can name no other file or key.
 */
public abstract class AcmeChallengesContract {
    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";

    protected abstract AcmeChallenges challenges();

    /** What the edge answers at {@code /.well-known/acme-challenge/{token}}, read where it reads it. */
    protected abstract Optional<String> served(String token);

    @Test
    void an_answer_is_served_once_put_and_no_longer_once_deleted() {
        challenges().put(TOKEN, TOKEN + ".thumbprint");
        assertThat(served(TOKEN)).contains(TOKEN + ".thumbprint");

        challenges().delete(TOKEN);
        assertThat(served(TOKEN)).isEmpty();
    }

    @Test
    void putting_a_token_again_serves_the_new_answer_and_other_tokens_keep_theirs() {
        String other = "Other_token-0123456789";
        challenges().put(other, other + ".thumbprint");
        challenges().put(TOKEN, TOKEN + ".first");
        challenges().put(TOKEN, TOKEN + ".second");

        assertThat(served(TOKEN)).contains(TOKEN + ".second");
        assertThat(served(other)).contains(other + ".thumbprint");
    }

    @Test
    void deleting_again_or_deleting_what_was_never_put_is_harmless() {
        challenges().put(TOKEN, TOKEN + ".thumbprint");
        challenges().delete(TOKEN);
        challenges().delete(TOKEN);
        challenges().delete("NeverPutToken_0123456789");

        assertThat(served(TOKEN)).isEmpty();
    }

    @Test
    void a_token_that_is_not_base64url_is_refused_before_anything_is_written() {
        for (String bad : new String[] {"../routes/www.example.org", "short", "with space 0123456789", "dots.are.not.allowed.here"}) {
            assertThatThrownBy(() -> challenges().put(bad, "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> challenges().delete(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
