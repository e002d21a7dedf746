package io.miaobu.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Every error the API answers: {@code {"error": {"code", "message", "fields"?}}}. */
@ApiSchema("Error")
public record ErrorView(Body error) {

    /** @param fields each request field at fault with what to fix in it; left out when no one field is */
    public record Body(String code, String message, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> fields) {}

    public static ErrorView of(String code, String message, Map<String, String> fields) {
        return new ErrorView(new Body(code, message, fields));
    }
}
