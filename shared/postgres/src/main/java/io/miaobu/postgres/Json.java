package io.miaobu.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.miaobu.edge.RouteConfig;

/** RouteConfig &lt;-&gt; jsonb text. Nulls are written out so they read back as nulls. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {}

    static String write(RouteConfig config) {
        if (config == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("route config is not serialisable as JSON", e);
        }
    }

    static RouteConfig readRouteConfig(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, RouteConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored route config is not valid: " + json, e);
        }
    }
}
