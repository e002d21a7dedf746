package io.miaobu.edge.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One compiled redirect or rewrite, as the edge evaluates it (edge/src/rules.js). {@code from} is a
 * pattern in the edge's grammar; {@code query} lists {@code [key, value]} pairs the request must
 * carry (a value {@code :name} captures); status 200 rewrites, 404 serves {@code to} as the
 * not-found page, 3xx redirects. A {@code force}d rule applies even where a file exists. It applies
 * only to requests that meet every {@code has} condition and none of the {@code missing} ones.
 */
public record RedirectRule(
        String from,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<List<String>> query,
        String to,
        int status,
        boolean force,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Condition> has,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Condition> missing) {

    public RedirectRule {
        query = query == null || query.isEmpty() ? null : List.copyOf(query);
        has = has == null ? List.of() : List.copyOf(has);
        missing = missing == null ? List.of() : List.copyOf(missing);
    }

    public RedirectRule(String from, List<List<String>> query, String to, int status, boolean force) {
        this(from, query, to, status, force, List.of(), List.of());
    }
}
