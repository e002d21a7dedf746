package io.miaobu.edge.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Response headers for the URLs matching {@code path}: {@code set} (lower-case name to value; a
 * repeated name in one block is joined with ", ") and {@code unset} (names removed). Every matching
 * rule applies, in order, to requests that meet every {@code has} condition and none of the
 * {@code missing} ones.
 */
public record HeaderRule(
        String path,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> set,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unset,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Condition> has,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Condition> missing) {

    public HeaderRule {
        set = set == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(set));
        unset = unset == null ? List.of() : List.copyOf(unset);
        has = has == null ? List.of() : List.copyOf(has);
        missing = missing == null ? List.of() : List.copyOf(missing);
    }

    public HeaderRule(String path, Map<String, String> set, List<String> unset) {
        this(path, set, unset, List.of(), List.of());
    }
}
