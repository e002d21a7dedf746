package io.miaobu.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.miaobu.edge.RouteConfig;
import java.util.Map;

/** RouteConfig, function manifests and backends &lt;-&gt; jsonb text. Nulls are written out so they read back as nulls. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {}

    static String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(value.getClass().getSimpleName() + " is not serialisable as JSON", e);
        }
    }

    static RouteConfig readRouteConfig(String json) {
        return read(json, RouteConfig.class);
    }

    static <T> T read(String json, Class<T> type) {
        return read(json, MAPPER.constructType(type));
    }

    static Map<String, String> readBackends(String json) {
        return read(json, MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }

    private static <T> T read(String json, JavaType type) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getRawClass().getSimpleName() + " is not valid: " + json, e);
        }
    }
}
