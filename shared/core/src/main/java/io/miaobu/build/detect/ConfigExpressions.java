package io.miaobu.build.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates, without running anything, the value a JavaScript config gives a setting such as
 * {@code outDir: process.env.OUT || 'build'}: string literals, template literals without
 * substitutions, {@code +} concatenation, {@code path.join} / {@code path.resolve} with
 * {@code __dirname} or {@code process.cwd()} as the project folder, and {@code ||} / {@code ??}
 * whose left side cannot be known (an environment variable) with a fallback that can. Anything
 * else is reported as not evaluable, with its source text, so the caller can say what it assumed.
 */
final class ConfigExpressions {
    /**
     * The outcome: {@code value} when it could be evaluated (relative to the config's folder, "" for the folder
     * itself), {@code assumed} naming what was taken as unset on the way; {@code source} is the expression as written.
     */
    record Result(String value, String source, List<String> assumed) {
        boolean known() {
            return value != null;
        }
    }

    // A repository's config is anyone's text: nesting deeper than any real setting is not evaluated (nor a stack overflow).
    private static final int MAX_DEPTH = 32;

    private final String text;
    private int i;
    private int depth;

    private ConfigExpressions(String text, int start) {
        this.text = text;
        this.i = start;
    }

    /** Evaluates the expression that starts at {@code start} in {@code text}. */
    static Result evaluate(String text, int start) {
        ConfigExpressions parser = new ConfigExpressions(text, start);
        int from = parser.skipSpaces();
        Result r = parser.or();
        return new Result(r.value(), text.substring(from, Math.max(from, parser.i)).strip(), r.assumed());
    }

    private Result or() {
        int from = i;
        Result left = concat();
        while (true) {
            skipSpaces();
            if (!text.startsWith("||", i) && !text.startsWith("??", i)) {
                return left;
            }
            i += 2;
            Result right = concat();
            if (left.known() && !left.value().isEmpty()) {
                left = new Result(left.value(), source(from), left.assumed());
            } else if (right.known()) {
                left = new Result(right.value(), source(from), merge(unset(left), right.assumed()));
            } else {
                // Still unknown; the operands are kept, to be named if a later fallback is taken.
                left = new Result(null, source(from), merge(unset(left), unset(right)));
            }
        }
    }

    private Result concat() {
        int from = i;
        Result left = primary();
        while (true) {
            skipSpaces();
            if (i >= text.length() || text.charAt(i) != '+' || text.startsWith("++", i)) {
                return left;
            }
            i++;
            Result right = primary();
            left = left.known() && right.known()
                    ? new Result(left.value() + right.value(), source(from), merge(left.assumed(), right.assumed()))
                    : unknown(from);
        }
    }

    private Result primary() {
        int from = skipSpaces();
        if (i >= text.length() || depth >= MAX_DEPTH) {
            return unknown(from);
        }
        depth++;
        try {
            return nested(from);
        } finally {
            depth--;
        }
    }

    private Result nested(int from) {
        char c = text.charAt(i);
        if (c == '\'' || c == '"' || c == '`') {
            int end = closing(c);
            if (end < 0) {
                i = text.length();
                return unknown(from);
            }
            String body = text.substring(i + 1, end);
            i = end + 1;
            return c == '`' && body.contains("${") ? unknown(from) : new Result(body, source(from), List.of());
        }
        if (c == '(') {
            i++;
            Result inner = or();
            skipSpaces();
            if (i < text.length() && text.charAt(i) == ')') {
                i++;
            }
            return new Result(inner.value(), source(from), inner.assumed());
        }
        if (!Character.isJavaIdentifierStart(c)) {
            return unknown(from);
        }
        String name = dottedName();
        skipSpaces();
        if (i < text.length() && text.charAt(i) == '(') {
            i++;
            List<Result> args = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (i >= text.length()) {
                    return unknown(from);
                }
                if (text.charAt(i) == ')') {
                    i++;
                    break;
                }
                args.add(or());
                skipSpaces();
                if (i < text.length() && text.charAt(i) == ',') {
                    i++;
                } else if (i < text.length() && text.charAt(i) != ')') {
                    return unknown(from);
                }
            }
            return call(name, args, from);
        }
        if (name.equals("__dirname")) {
            return new Result("", source(from), List.of());
        }
        return unknown(from);
    }

    private Result call(String name, List<Result> args, int from) {
        if (name.equals("process.cwd") && args.isEmpty()) {
            return new Result("", source(from), List.of());
        }
        if (!List.of("path.join", "path.resolve", "join", "resolve", "path.posix.join", "path.posix.resolve").contains(name)
                || args.stream().anyMatch(a -> !a.known())) {
            return unknown(from);
        }
        String joined = "";
        List<String> assumed = new ArrayList<>();
        for (Result a : args) {
            joined = TreePaths.join(joined, a.value());
            assumed.addAll(a.assumed());
        }
        return new Result(joined, source(from), assumed);
    }

    private String dottedName() {
        int start = i;
        while (i < text.length() && (Character.isJavaIdentifierPart(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        return text.substring(start, i);
    }

    private int closing(char quote) {
        for (int j = i + 1; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == quote) {
                return j;
            } else if (c == '\n' && quote != '`') {
                return -1;
            }
        }
        return -1;
    }

    private int skipSpaces() {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private String source(int from) {
        return text.substring(from, i).strip();
    }

    private Result unknown(int from) {
        return new Result(null, source(from), List.of());
    }

    /** What the left side of a taken fallback was assumed to be unset: its operands, or itself. */
    private static List<String> unset(Result r) {
        return r.known() || r.assumed().isEmpty() ? List.of(r.source()) : r.assumed();
    }

    private static List<String> merge(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
