package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUrlsTest {

    @Test
    void a_jdbc_url_passes_through_with_credentials_left_in_it() {
        var jdbc = PostgresUrls.toJdbc("jdbc:postgresql://db:5432/miaobu?user=u&password=p");
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://db:5432/miaobu?user=u&password=p");
        assertThat(jdbc.user()).isNull();
        assertThat(jdbc.password()).isNull();
    }

    @Test
    void a_postgres_url_becomes_a_jdbc_url_with_separate_credentials() {
        var jdbc = PostgresUrls.toJdbc("postgres://miaobu:s3cret@db.example.com:6543/prod?sslmode=require");
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://db.example.com:6543/prod?sslmode=require");
        assertThat(jdbc.user()).isEqualTo("miaobu");
        assertThat(jdbc.password()).isEqualTo("s3cret");
    }

    @Test
    void a_postgresql_url_without_port_or_password_is_accepted() {
        var jdbc = PostgresUrls.toJdbc("postgresql://admin@localhost/miaobu");
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://localhost/miaobu");
        assertThat(jdbc.user()).isEqualTo("admin");
        assertThat(jdbc.password()).isNull();
    }

    @Test
    void percent_encoded_credentials_are_decoded_and_plus_stays_a_plus() {
        var jdbc = PostgresUrls.toJdbc("postgres://app%40corp:p%2Fa+ss%3Aw@[::1]:5432/db");
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://[::1]:5432/db");
        assertThat(jdbc.user()).isEqualTo("app@corp");
        assertThat(jdbc.password()).isEqualTo("p/a+ss:w");
    }

    @Test
    void other_schemes_are_refused_without_echoing_the_password() {
        assertThatThrownBy(() -> PostgresUrls.toJdbc("mysql://u:topsecret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> PostgresUrls.toJdbc(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void redact_hides_passwords_in_both_forms() {
        assertThat(PostgresUrls.redact("postgres://u:pw@h/db")).isEqualTo("postgres://u:****@h/db");
        assertThat(PostgresUrls.redact("jdbc:postgresql://h/db?user=u&password=pw&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=****&ssl=true");
    }
}
