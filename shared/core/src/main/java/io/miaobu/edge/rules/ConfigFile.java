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
                case "startCommand" -> { } // a Python web app's own server (io.miaobu.build.detect.PythonApps)
                default -> {
                    if (ours) {
                        warn(value.line(), "unknown key `" + field.getKey() + "` is ignored; " + MIAOBU
                                + " takes redirects, rewrites, headers, cleanUrls, trailingSlash, spa and notFound.");
                    }
                }
            }
        }
        // Vercel's cleanUrls redirects `/docs/index.html` to `/docs` and, without trailingSlash, serves the
        // page there: in a vercel.json project that is the directory's URL, so `/docs/` redirects to it
        // rather than the other way round (the edge never serves one page under two URLs).
        if (!ours && Boolean.TRUE.equals(cleanUrls) && trailingSlash == null) {
            trailingSlash = Boolean.FALSE;
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
        Conditions when = conditions(entry);
        unknownKeys(entry, Set.of("source", "destination", "permanent", "statusCode", "has", "missing"));
        out.add(new ParsedRedirect(new RedirectRule(source.pattern(), null, destination, status, true, when.has(), when.missing()),
                source.dynamic(), file, line));
    }

    private void rewrite(Map<String, JsonTree.Node> entry, int line, List<ParsedRedirect> out) throws Patterns.Invalid {
        Patterns.Checked source = source(entry);
        String destination = destination(entry);
        if (!destination.startsWith("/")) {
            throw new Patterns.Invalid("rewriting to another origin (`" + destination + "`) is not supported; use a redirect instead");
        }
        Conditions when = conditions(entry);
        unknownKeys(entry, Set.of("source", "destination", "has", "missing"));
        out.add(new ParsedRedirect(new RedirectRule(source.pattern(), null, destination, 200, false, when.has(), when.missing()),
                source.dynamic(), file, line));
    }

    /** A rule's {@code has} and {@code missing} conditions. */
    private record Conditions(List<Condition> has, List<Condition> missing) {
        static final Conditions NONE = new Conditions(List.of(), List.of());
    }

    /**
     * Vercel's {@code has} and {@code missing} conditions, as the edge evaluates them: on a header
     * (its name in any case), a cookie, a query parameter or the host; present with a non-empty value,
     * or, with a {@code value}, matching it whole as a regular expression whose named groups (and, for
     * {@code has} without a value, the key itself) are captured for the destination. A condition that
     * cannot be honoured drops its whole entry with a warning naming it: the rule applied without it
     * would fire for requests it was written to leave alone.
     */
    private static Conditions conditions(Map<String, JsonTree.Node> entry) throws Patterns.Invalid {
        List<Condition> has = conditionList(entry, "has");
        List<Condition> missing = conditionList(entry, "missing");
        return has.isEmpty() && missing.isEmpty() ? Conditions.NONE : new Conditions(has, missing);
    }

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static List<Condition> conditionList(Map<String, JsonTree.Node> entry, String field) throws Patterns.Invalid {
        JsonTree.Node list = entry.get(field);
        if (list == null) {
            return List.of();
        }
        if (list.array() == null) {
            throw new Patterns.Invalid("`" + field + "` must be an array of conditions like {\"type\": \"header\", \"key\": \"x-beta\"}");
        }
        List<Condition> out = new ArrayList<>();
        for (JsonTree.Node item : list.array()) {
            Map<String, JsonTree.Node> c = item.object();
            if (c == null) {
                throw new Patterns.Invalid("each of `" + field + "` must be an object with `type`, `key` and `value`");
            }
            for (String name : c.keySet()) {
                if (!Set.of("type", "key", "value").contains(name)) {
                    // A misspelt `value` would otherwise widen the rule to every request carrying the key.
                    throw new Patterns.Invalid("`" + name + "` is not a field of a `" + field + "` condition; use `type`, `key` and `value`");
                }
            }
            String type = c.get("type") == null ? null : c.get("type").text();
            JsonTree.Node keyNode = c.get("key");
            String key = keyNode == null ? null : keyNode.text();
            JsonTree.Node valueNode = c.get("value");
            String where = "`" + field + "` condition on " + (key == null || "host".equals(type) ? "the " + type : "the " + type + " `" + key + "`");
            if (type == null || !Set.of("header", "cookie", "query", "host").contains(type)) {
                throw new Patterns.Invalid("`" + field + "` conditions on " + (type == null ? "an unknown type" : "a `" + type + "`")
                        + " are not supported; the type must be header, cookie, query or host");
            }
            if (valueNode != null && valueNode.text() == null) {
                throw new Patterns.Invalid("the " + where + " has a `value` that is not a string "
                        + "(operators like `eq` or `re` are not supported); write the value or a regular expression as a string");
            }
            String value = valueNode == null ? null : valueNode.text();
            if (type.equals("host")) {
                if (value == null || value.isEmpty()) {
                    throw new Patterns.Invalid("a `" + field + "` condition on the host needs a `value`, like \"www.example.com\"");
                }
                key = null;
            } else if (key == null || key.isEmpty()) {
                throw new Patterns.Invalid("a `" + field + "` condition on a " + type + " needs a `key`, the name of the " + type
                        + (type.equals("query") ? " parameter" : ""));
            } else if (type.equals("header")) {
                if (!TOKEN.matcher(key).matches()) {
                    throw new Patterns.Invalid("`" + key + "` in a `" + field + "` condition is not a valid header name");
                }
                key = key.toLowerCase(java.util.Locale.ROOT);
            } else if (key.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f) || (type.equals("cookie") && key.matches(".*[\\s;=,].*"))) {
                throw new Patterns.Invalid("`" + key + "` in a `" + field + "` condition is not a valid " + type + " name");
            }
            if (value != null && !value.isEmpty()) {
                try {
                    SafeRegex.check(value);
                } catch (Patterns.Invalid e) {
                    throw new Patterns.Invalid("the " + where + ": " + e.getMessage());
                }
            }
            out.add(new Condition(type, key, value == null || value.isEmpty() ? null : value));
        }
        return out;
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
        Conditions when = conditions(entry);
        unknownKeys(entry, Set.of("source", "headers", "has", "missing"));
        if (!set.isEmpty()) {
            out.add(new ParsedHeaders(new HeaderRule(source.pattern(), set, List.of(), when.has(), when.missing()), file, line));
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
