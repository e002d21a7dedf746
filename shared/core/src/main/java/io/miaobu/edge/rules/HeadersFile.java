package io.miaobu.edge.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Netlify's and Cloudflare Pages' {@code _headers}: a path pattern on its own line, then indented
 * {@code Name: value} lines for the URLs it matches, and (Cloudflare) {@code ! Name} to remove a
 * header an earlier matching block set. A name repeated in one block is joined with ", ".
 */
final class HeadersFile {
    static final String NAME = "_headers";

    private HeadersFile() {}

    static List<ParsedHeaders> parse(String text, List<RuleWarning> warnings) {
        List<ParsedHeaders> rules = new ArrayList<>();
        Block block = null; // null before the first path; ignored == true after a path that was refused
        String[] lines = RulesSource.lines(text);
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("/") || line.matches("(?i)^https?://.*")) {
                addIfNotEmpty(block, rules);
                block = new Block(line, n);
                try {
                    block.pattern = Patterns.netlify(line).pattern();
                } catch (Patterns.Invalid e) {
                    warnings.add(new RuleWarning(NAME, n, e.getMessage() + "; the headers for it are ignored."));
                    block.ignored = true;
                }
                continue;
            }
            if (block == null) {
                warnings.add(new RuleWarning(NAME, n, "`" + line + "` comes before any path; put a path like `/*` on the line above it."));
                continue;
            }
            try {
                if (line.startsWith("!")) {
                    String name = HeaderNames.check(line.substring(1).strip());
                    if (!block.unset.contains(name)) {
                        block.unset.add(name);
                    }
                } else {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new Patterns.Invalid("expected `Name: value` or `! Name`, got `" + line + "`");
                    }
                    String name = HeaderNames.check(line.substring(0, colon).strip());
                    String value = line.substring(colon + 1).strip();
                    if (value.isEmpty()) {
                        // Netlify and Cloudflare Pages skip it too; an empty header is never what was meant.
                        throw new Patterns.Invalid("`" + name + "` has an empty value (to remove a header, write `! " + name + "`)");
                    }
                    HeaderNames.checkValue(name, value);
                    block.set.merge(name, value, (a, b) -> a + ", " + b);
                }
            } catch (Patterns.Invalid e) {
                if (!block.ignored) {
                    warnings.add(new RuleWarning(NAME, n, e.getMessage() + "; this line is ignored."));
                }
            }
        }
        addIfNotEmpty(block, rules);
        return rules;
    }

    private static void addIfNotEmpty(Block block, List<ParsedHeaders> rules) {
        if (block != null && !block.ignored && (!block.set.isEmpty() || !block.unset.isEmpty())) {
            rules.add(new ParsedHeaders(new HeaderRule(block.pattern, block.set, block.unset), NAME, block.line));
        }
    }

    private static final class Block {
        final int line;
        String pattern;
        boolean ignored;
        final Map<String, String> set = new LinkedHashMap<>();
        final List<String> unset = new ArrayList<>();

        Block(String path, int line) {
            this.pattern = path;
            this.line = line;
        }
    }
}
