package io.miaobu.edge.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Netlify's {@code _redirects} (which Cloudflare Pages also reads): one rule per line,
 * {@code from [key=value ...] to [status][!] [conditions]}; {@code #} starts a comment. Where the two
 * differ this follows Netlify: the default status is 301 and a file at the path wins over a rule
 * unless the rule is forced with {@code !}.
 */
final class RedirectsFile {
    static final String NAME = "_redirects";
    static final Set<Integer> STATUSES = Set.of(200, 301, 302, 303, 307, 308, 404);
    /** Cloudflare Pages' limit on one rule's line. */
    static final int MAX_LINE = 1000;

    private static final Pattern STATUS = Pattern.compile("^(\\d{3})(!?)$");
    private static final Pattern QUERY = Pattern.compile("^([^=\\s]+)=(.*)$");
    private static final Pattern CAPTURE = Pattern.compile("^:[A-Za-z_][A-Za-z0-9_]*$");
    private static final Set<String> CONDITIONS = Set.of("country", "language", "role", "cookie", "signed");
    private static final Pattern COOKIE = Pattern.compile("(?i)^cookie=[^\\s,;=]+(,[^\\s,;=]+)*$");

    private RedirectsFile() {}

    static List<ParsedRedirect> parse(String text, List<RuleWarning> warnings) {
        List<ParsedRedirect> rules = new ArrayList<>();
        String[] lines = RulesSource.lines(text);
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                rules.addAll(parseLine(line, n));
            } catch (Patterns.Invalid e) {
                warnings.add(new RuleWarning(NAME, n, e.getMessage() + "; this rule is ignored."));
            }
        }
        return rules;
    }

    /** One rule, or one per cookie of a {@code Cookie=a,b} condition (any of them present applies it, as on Netlify). */
    private static List<ParsedRedirect> parseLine(String line, int n) throws Patterns.Invalid {
        if (line.length() > MAX_LINE) {
            throw new Patterns.Invalid("the line is longer than " + MAX_LINE + " characters");
        }
        List<String> tokens = new ArrayList<>();
        for (String token : line.split("\\s+")) {
            if (token.startsWith("#")) {
                break; // the rest of the line is a comment
            }
            tokens.add(token);
        }
        if (tokens.size() < 2) {
            throw new Patterns.Invalid("expected `from to [status]`, like `/old /new 301`");
        }
        Patterns.Checked from = Patterns.netlify(tokens.get(0));
        List<String> names = new ArrayList<>(from.names());
        List<List<String>> query = new ArrayList<>();
        int i = 1;
        while (i < tokens.size() && !isTarget(tokens.get(i))) {
            var m = QUERY.matcher(tokens.get(i));
            if (!m.matches()) {
                throw new Patterns.Invalid("`" + tokens.get(i) + "` is neither a target (starting with `/` or `https://`) nor a query parameter like `id=:id`");
            }
            String value = m.group(2);
            if (value.startsWith(":")) {
                if (!CAPTURE.matcher(value).matches()) {
                    throw new Patterns.Invalid("query placeholder `" + value + "` must be `:` and a name of letters, digits or `_`");
                }
                names.add(value.substring(1));
            }
            query.add(List.of(m.group(1), value));
            i++;
        }
        if (i >= tokens.size()) {
            throw new Patterns.Invalid("no target: add where `" + tokens.get(0) + "` should go, starting with `/` or `https://`");
        }
        String to = tokens.get(i++);
        int status = 301;
        boolean force = false;
        if (i < tokens.size()) {
            var m = STATUS.matcher(tokens.get(i));
            if (m.matches()) {
                status = Integer.parseInt(m.group(1));
                force = !m.group(2).isEmpty();
                i++;
            }
        }
        List<String> cookies = List.of();
        if (i == tokens.size() - 1 && COOKIE.matcher(tokens.get(i)).matches()) {
            cookies = List.of(tokens.get(i++).substring("cookie=".length()).split(","));
        }
        if (i < tokens.size()) {
            String rest = String.join(" ", tokens.subList(i, tokens.size()));
            String key = rest.contains("=") ? rest.substring(0, rest.indexOf('=')).toLowerCase(java.util.Locale.ROOT) : "";
            if (CONDITIONS.contains(key)) {
                throw new Patterns.Invalid("conditions like `" + rest + "` (country, language, role, signature) are not supported");
            }
            throw new Patterns.Invalid("unexpected `" + rest + "` after the target; expected a status like `301` or `200!`");
        }
        if (!STATUSES.contains(status)) {
            throw new Patterns.Invalid("status " + status + " is not supported; use 200 (rewrite), 301, 302, 303, 307, 308 or 404");
        }
        boolean external = to.regionMatches(true, 0, "http://", 0, 7) || to.regionMatches(true, 0, "https://", 0, 8);
        if (external && (status == 200 || status == 404)) {
            throw new Patterns.Invalid("proxying to another origin (`" + to + "` with status " + status
                    + ") is not supported; redirect there with 301 or 302 instead");
        }
        if (!external && !to.startsWith("/")) {
            throw new Patterns.Invalid("target `" + to + "` must start with `/` or `https://`");
        }
        if (cookies.isEmpty()) {
            return List.of(new ParsedRedirect(new RedirectRule(from.pattern(), query, to, status, force), from.dynamic(), NAME, n));
        }
        List<ParsedRedirect> rules = new ArrayList<>();
        for (String cookie : cookies) {
            List<Condition> has = List.of(new Condition("cookie", cookie, null));
            rules.add(new ParsedRedirect(new RedirectRule(from.pattern(), query, to, status, force, has, List.of()), from.dynamic(), NAME, n));
        }
        return rules;
    }

    private static boolean isTarget(String token) {
        return token.startsWith("/") || token.regionMatches(true, 0, "http://", 0, 7)
                || token.regionMatches(true, 0, "https://", 0, 8);
    }
}
