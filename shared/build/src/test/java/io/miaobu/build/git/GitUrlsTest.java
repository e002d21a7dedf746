package io.miaobu.build.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitUrlsTest {
    @Test
    void masks_user_and_password_in_urls_anywhere_in_a_text() {
        assertThat(GitUrls.mask("Cloning https://user:pa55@github.com/acme/site.git now"))
                .isEqualTo("Cloning https://***@github.com/acme/site.git now");
        assertThat(GitUrls.mask("https://ghp_token123@github.com/acme/site.git"))
                .isEqualTo("https://***@github.com/acme/site.git");
        assertThat(GitUrls.mask("a http://u:p@x/1 and https://v:q@y/2"))
                .isEqualTo("a http://***@x/1 and https://***@y/2");
    }

    @Test
    void masks_passwords_containing_slashes_and_at_signs() {
        assertThat(GitUrls.mask("https://user:a/b@c@github.com/acme/site.git: not authorized"))
                .isEqualTo("https://***@github.com/acme/site.git: not authorized");
    }

    @Test
    void leaves_urls_without_credentials_alone() {
        assertThat(GitUrls.mask("https://github.com/acme/site.git")).isEqualTo("https://github.com/acme/site.git");
        assertThat(GitUrls.mask("https://github.com/acme/@scope/x")).isEqualTo("https://github.com/acme/@scope/x");
        assertThat(GitUrls.mask("file:///tmp/repo")).isEqualTo("file:///tmp/repo");
    }

    @Test
    void splits_credentials_off_http_urls() {
        GitUrls.Split split = GitUrls.split("https://x-access-token:ab%40cd@github.com/acme/site.git");

        assertThat(split.url()).isEqualTo("https://github.com/acme/site.git");
        assertThat(split.user()).isEqualTo("x-access-token");
        assertThat(split.password()).isEqualTo("ab@cd");
        assertThat(GitUrls.split("https://github.com/acme/site.git").hasCredentials()).isFalse();
        assertThat(GitUrls.split("https://token@github.com/a/b").password()).isEmpty();
    }

    @Test
    void turns_local_paths_into_file_urls(@TempDir Path dir) {
        assertThat(GitUrls.normalize(dir.toString())).isEqualTo(dir.toUri().toString());
        assertThat(GitUrls.normalize("https://github.com/acme/site.git")).isEqualTo("https://github.com/acme/site.git");
        assertThat(GitUrls.normalize("git@github.com:acme/site.git")).isEqualTo("git@github.com:acme/site.git");
    }
}
