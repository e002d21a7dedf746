package io.miaobu.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.miaobu.errors.ApiError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
    record Settings(String name, Boolean autoPublish, Integer retries) {}

    private static ApiError readError(String body) {
        return catchThrowableOfType(ApiError.class,
                () -> RequestBody.read(body == null ? null : body.getBytes(StandardCharsets.UTF_8), Settings.class));
    }

    @Test
    void a_well_formed_body_is_read_into_the_record() {
        Settings s = RequestBody.read("{\"name\":\"blog\",\"autoPublish\":false,\"retries\":3}".getBytes(StandardCharsets.UTF_8),
                Settings.class);
        assertThat(s).isEqualTo(new Settings("blog", false, 3));
    }

    @Test
    void malformed_json_is_invalid_json_with_line_and_column() {
        ApiError e = readError("{\n  \"name\": \"blog\",\n  oops\n}");
        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.getMessage()).contains("line 3").contains("column ");
    }

    @Test
    void an_unknown_field_is_named_along_with_the_known_ones() {
        ApiError e = readError("{\"name\":\"blog\",\"nmae\":\"typo\"}");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("unknown_field");
        assertThat(e.getMessage()).contains("`nmae`").contains("autoPublish").contains("name").contains("retries");
    }

    @Test
    void a_number_where_a_string_belongs_is_invalid_field_naming_the_field() {
        ApiError e = readError("{\"name\":5}");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_field");
        assertThat(e.getMessage()).contains("`name`").contains("a string");
    }

    @Test
    void a_boolean_where_a_string_belongs_is_invalid_field() {
        ApiError e = readError("{\"name\":true}");
        assertThat(e.code()).isEqualTo("invalid_field");
        assertThat(e.getMessage()).contains("`name`");
    }

    @Test
    void a_string_where_a_boolean_belongs_is_invalid_field_naming_the_field() {
        ApiError e = readError("{\"autoPublish\":\"yes\"}");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_field");
        assertThat(e.getMessage()).contains("`autoPublish`").contains("true or false");
    }

    @Test
    void a_string_where_a_number_belongs_is_invalid_field() {
        ApiError e = readError("{\"retries\":\"3\"}");
        assertThat(e.code()).isEqualTo("invalid_field");
        assertThat(e.getMessage()).contains("`retries`").contains("a number");
    }

    @Test
    void an_empty_body_asks_for_a_json_object() {
        ApiError e = readError("");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.getMessage()).containsIgnoringCase("empty");
        assertThat(readError(null).code()).isEqualTo("invalid_json");
    }

    @Test
    void a_null_body_is_refused_as_not_an_object() {
        ApiError e = readError("null");
        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.getMessage()).contains("null");
    }

    @Test
    void an_array_body_is_refused_as_not_an_object() {
        ApiError e = readError("[1,2]");
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.getMessage()).contains("JSON object");
    }

    @Test
    void trailing_content_after_the_object_is_refused() {
        ApiError e = readError("{\"name\":\"a\"} {\"name\":\"b\"}");
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo("invalid_json");
    }
}
