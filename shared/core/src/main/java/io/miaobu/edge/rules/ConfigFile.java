package io.miaobu.edge.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code miaobu.json}, shaped like {@code vercel.json} (which is read the same way when there is no
 * {@code miaobu.json}): {@code redirects}, {@code rewrites}, {@code headers}, {@code cleanUrls},
 * {@code trailingSlash}; {@code miaobu.json} also takes {@code spa} and {@code notFound}. As on
 * Vercel, redirects apply before the filesystem (they are forced) and rewrites after it.
 */
final class ConfigFile {
    static final String MIAOBU = "miaobu.json";
    static final String VERCEL = "vercel.json";
    private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 303, 307, 308);

    record Result(List<ParsedRedirect> redirects, List<ParsedRedirect> rewrites, List<ParsedHeaders> headers,
                  Boolean cleanUrls, Boolean trailingSlash, Boolean spa, String notFound) {
        static final Result EMPTY = new Result(List.of(), List.of(), List.of(), null, null, null, null);
    }

    private final String file;
    private final boolean ours;
    private final List<RuleWarning> warnings;

    private ConfigFile(String file, List<RuleWarning> warnings) {
        this.file = file;
        this.ours = file.equals(MIAOBU);
        this.warnings = warnings;
    }

    static Result parse(String file, String text, List<RuleWarning> warnings) {
        return new ConfigFile(file, warnings).parse(text);
    }

    private Result parse(String text) {
        JsonTree.Node root;
        try {
            root = JsonTree.parse(text);
        } catch (JsonTree.Malformed e) {
            warn(e.line, e.getMessage() + "; nothing in " + file + " applies until it is fixed.");
            return Result.EMPTY;
        }
        Map<String, JsonTree.Node> top = root.object();
        if (top == null) {
            warn(root.line(), file + " must be a JSON object, like {\"redirects\": [...]}; it is ignored.");
            return Result.EMPTY;
        }
        List<ParsedRedirect> redirects = new ArrayList<>();
        List<ParsedRedirect> rewrites = new ArrayList<>();
        List<ParsedHeaders> headers = new ArrayList<>();
        Boolean cleanUrls = null;
        Boolean trailingSlash = null;
        Boolean spa = null;
        String notFound = null;
        for (var field : top.entrySet()) {
            JsonTree.Node value = field.getValue();
            switch (field.getKey()) {
                case "redirects" -> eachObject("redirects", value, (entry, line) -> redirect(entry, line, redirects));
                case "rewrites" -> eachObject("rewrites", value, (entry, line) -> rewrite(entry, line, rewrites));
                case "headers" -> eachObject("headers", value, (entry, line) -> headers(entry, line, headers));
                case "cleanUrls" -> cleanUrls = bool("cleanUrls", value);
                case "trailingSlash" -> trailingSlash = bool("trailingSlash", value);
                case "spa" -> {
                    if (ours) {
                        spa = bool("spa", value);
                    }
                }
                case "notFound" -> {
                    if (ours) {
                        notFound = notFound(value);
                    }
                }
                case "routes" -> warn(value.line(), "`routes` (Vercel's legacy routing) is not supported; "
                        + "use `redirects`, `rewrites` and `headers` instead.");
                case "$schema" -> { }
                default -> {
                    if (ours) {
                        warn(value.line(), "unknown key `" + field.getKey() + "` is ignored; " + MIAOBU
                                + " takes redirects, rewrites, headers, cleanUrls, trailingSlash, spa and notFound.");
                    }
                }
            }
        }
        // Vercel answers unknown paths with its 404 (a single-page app there rewrites to /index.html itself).
        return new Result(redirects, rewrites, headers, cleanUrls, trailingSlash, ours ? spa : Boolean.FALSE, notFound);
    }

    private interface EntryReader {
        void read(Map<String, JsonTree.Node> entry, int line) throws Patterns.Invalid;
    }

    private void eachObject(String key, JsonTree.Node value, EntryReader reader) {
        List<JsonTree.Node> items = value.array();
        if (items == null) {
            warn(value.line(), "`" + key + "` must be an array; it is ignored.");
            return;
        }
        for (JsonTree.Node item : items) {
            Map<String, JsonTree.Node> entry = item.object();
            try {
                if (entry == null) {
                    throw new Patterns.Invalid("each of `" + key + "` must be an object, not " + item.type());
                }
                reader.read(entry, item.line());
            } catch (Patterns.Invalid e) {
                warn(item.line(), e.getMessage() + "; this entry of `" + key + "` is ignored.");
            }
        }
    }

    private void redirect(Map<String, JsonTree.Node> entry, int line, List<ParsedRedirect> out) throws Patterns.Invalid {
        Patterns.Checked source = source(entry);
        String destination = destination(entry);
        int status = 308;
        JsonTree.Node permanent = entry.get("permanent");
        if (permanent != null) {
            if (!(permanent.value() instanceof Boolean b)) {
                throw new Patterns.Invalid("`permanent` must be true or false");
            }
            status = b ? 308 : 307;
        }
        JsonTree.Node statusCode = entry.get("statusCode");
        if (statusCode != null) {
            if (!(statusCode.value() instanceof Integer code) || !REDIRECT_STATUSES.contains(code)) {
                throw new Patterns.Invalid("`statusCode` must be 301, 302, 303, 307 or 308");
            }
            status = code;
        }
        List<List<String>> query = conditions(entry);
        unknownKeys(entry, Set.of("source", "destination", "permanent", "statusCode", "has"));
        out.add(new ParsedRedirect(new RedirectRule(source.pattern(), query, destination, status, true), source.dynamic(), file, line));
    }

    private void rewrite(Map<String, JsonTree.Node> entry, int line, List<ParsedRedirect> out) throws Patterns.Invalid {
        Patterns.Checked source = source(entry);
        String destination = destination(entry);
        if (!destination.startsWith("/")) {
            throw new Patterns.Invalid("rewriting to another origin (`" + destination + "`) is not supported; use a redirect instead");
        }
        List<List<String>> query = conditions(entry);
        unknownKeys(entry, Set.of("source", "destination", "has"));
        out.add(new ParsedRedirect(new RedirectRule(source.pattern(), query, destination, 200, false), source.dynamic(), file, line));
    }

    /**
     * Vercel's {@code has} conditions that the edge evaluates: a query parameter present ({@code key}
     * alone) or equal to a literal {@code value}, as {@code _redirects}' query matching does. Headers,
     * cookies, hosts, regular-expression values and {@code missing} need request data the edge does not
     * match on; such an entry is ignored with a warning that says which condition, rather than applied
     * without it.
     */
    private static List<List<String>> conditions(Map<String, JsonTree.Node> entry) throws Patterns.Invalid {
        if (entry.containsKey("missing")) {
            throw new Patterns.Invalid("`missing` conditions are not supported");
        }
        JsonTree.Node has = entry.get("has");
        if (has == null) {
            return null;
        }
        if (has.array() == null) {
            throw new Patterns.Invalid("`has` must be an array of conditions");
        }
        List<List<String>> query = new ArrayList<>();
        int any = 0;
        for (JsonTree.Node condition : has.array()) {
            Map<String, JsonTree.Node> c = condition.object();
            String type = c == null || c.get("type") == null ? null : c.get("type").text();
            String key = c == null || c.get("key") == null ? null : c.get("key").text();
            String value = c == null || c.get("value") == null ? null : c.get("value").text();
            if (!"query".equals(type)) {
                throw new Patterns.Invalid("`has` conditions on " + (type == null ? "an unknown type" : "a " + type)
                        + " are not supported (only on query parameters)");
            }
            if (key == null || key.isEmpty() || !key.matches("[A-Za-z0-9_.~-]+")) {
                throw new Patterns.Invalid("a `has` condition on a query parameter needs a plain `key`");
            }
            if (value != null && !value.matches("[A-Za-z0-9_.~ -]*")) {
                throw new Patterns.Invalid("`has` values that are regular expressions (`" + value + "`) are not supported; use a literal value");
            }
            query.add(List.of(key, value == null ? ":has" + (any++) : value));
        }
        return query.isEmpty() ? null : query;
    }

    private void headers(Map<String, JsonTree.Node> entry, int line, List<ParsedHeaders> out) throws Patterns.Invalid {
        Patterns.Checked source = source(entry);
        JsonTree.Node list = entry.get("headers");
        if (list == null || list.array() == null) {
            throw new Patterns.Invalid("`headers` must be an array of {\"key\": ..., \"value\": ...}");
        }
        Map<String, String> set = new LinkedHashMap<>();
        for (JsonTree.Node header : list.array()) {
            Map<String, JsonTree.Node> kv = header.object();
            String key = kv == null || kv.get("key") == null ? null : kv.get("key").text();
            String value = kv == null || kv.get("value") == null ? null : kv.get("value").text();
            try {
                if (key == null || value == null) {
                    throw new Patterns.Invalid("each header must be {\"key\": \"Name\", \"value\": \"text\"}");
                }
                String name = HeaderNames.check(key);
                HeaderNames.checkValue(name, value);
                set.merge(name, value, (a, b) -> a + ", " + b);
            } catch (Patterns.Invalid e) {
                warn(header.line(), e.getMessage() + "; this header is ignored.");
            }
        }
        unknownKeys(entry, Set.of("source", "headers"));
        if (!set.isEmpty()) {
            out.add(new ParsedHeaders(new HeaderRule(source.pattern(), set, List.of()), file, line));
        }
    }

    private Patterns.Checked source(Map<String, JsonTree.Node> entry) throws Patterns.Invalid {
        JsonTree.Node source = entry.get("source");
        if (source == null || source.text() == null) {
            throw new Patterns.Invalid("`source` (a path like \"/blog/:slug\") is missing");
        }
        return Patterns.vercel(source.text());
    }

    private String destination(Map<String, JsonTree.Node> entry) throws Patterns.Invalid {
        JsonTree.Node destination = entry.get("destination");
        if (destination == null || destination.text() == null || destination.text().isEmpty()) {
            throw new Patterns.Invalid("`destination` (a path or https:// URL) is missing");
        }
        String d = destination.text();
        boolean external = d.regionMatches(true, 0, "http://", 0, 7) || d.regionMatches(true, 0, "https://", 0, 8);
        if (!external && !d.startsWith("/")) {
            throw new Patterns.Invalid("`destination` must start with `/` or `https://`");
        }
        if (d.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw new Patterns.Invalid("`destination` contains a space or control character; percent-encode it");
        }
        return Patterns.vercelDestination(d);
    }

    private void unknownKeys(Map<String, JsonTree.Node> entry, Set<String> known) {
        for (var field : entry.entrySet()) {
            if (!known.contains(field.getKey())) {
                warn(field.getValue().line(), "`" + field.getKey() + "` is not supported and is ignored.");
            }
        }
    }

    private Boolean bool(String key, JsonTree.Node value) {
        if (value.value() == null) {
            return null;
        }
        if (value.value() instanceof Boolean b) {
            return b;
        }
        warn(value.line(), "`" + key + "` must be true or false; it is ignored.");
        return null;
    }

    private String notFound(JsonTree.Node value) {
        String path = value.text();
        if (path == null || path.isBlank() || path.contains("..") || path.contains("\\")) {
            warn(value.line(), "`notFound` must be the path of a page in the site, like \"404.html\"; it is ignored.");
            return null;
        }
        return path.replaceFirst("^/+", "");
    }

    private void warn(int line, String message) {
        warnings.add(new RuleWarning(file, line, message));
    }
}
