package io.miaobu.edge.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regular expressions a site's rules may run at the edge ({@code has}/{@code missing} values and
 * {@code :name(regex)} path segments). The edge matches them with JavaScript's backtracking engine on
 * every request, so a pattern that can backtrack catastrophically would let any visitor stall the
 * edge. Rather than ship a second regex engine to the edge, only patterns whose worst case is known
 * are accepted: at most {@value #MAX_LENGTH} characters; no repetition of a group that itself repeats
 * or alternates (the nested quantifiers of {@code (a+)+} or {@code (a|ab)*}, exponential); at most
 * {@value #MAX_VARIABLE_REPEATS} variable-length repetitions ({@code .*a.*b} is quadratic, three are
 * cubic); no backreferences (which no engine bounds); and only the syntax JavaScript and Java read the
 * same way. The edge tests inputs of at most {@value #MAX_INPUT} characters (edge/src/rules.js), so an
 * accepted pattern costs under 2 ms on the worst crafted value ({@code ./miaobu bench edge}).
 */
final class SafeRegex {
    static final int MAX_LENGTH = 200;
    static final int MAX_VARIABLE_REPEATS = 2;
    /** The same limit as {@code MAX_REGEX_INPUT} in edge/src/rules.js. */
    static final int MAX_INPUT = 1024;
    private static final String SIMPLE_ESCAPES = "dDwWsSbBntrf0";
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private SafeRegex() {}

    /** Checks {@code regex}; returns the names of its named groups, in order. */
    static List<String> check(String regex) throws Patterns.Invalid {
        if (regex.length() > MAX_LENGTH) {
            throw new Patterns.Invalid("the regular expression `" + abbreviate(regex) + "` is longer than " + MAX_LENGTH
                    + " characters, the limit for patterns the edge runs on every request");
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new Patterns.Invalid("`" + regex + "` is not a valid regular expression: " + e.getDescription());
        }
        return new Scan(regex).run();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** One pass over the pattern, with a frame per open group. */
    private static final class Scan {
        private final String re;
        private final List<String> names = new ArrayList<>();
        private final Deque<Frame> frames = new ArrayDeque<>();
        private int i;
        private int variableRepeats;
        /** What a quantifier right here would apply to: null (nothing), ATOM, or the group just closed. */
        private Object last;
        private static final Object ATOM = new Object();

        private static final class Frame {
            boolean quantified;
            boolean alternates;
        }

        Scan(String re) {
            this.re = re;
        }

        List<String> run() throws Patterns.Invalid {
            frames.push(new Frame());
            while (i < re.length()) {
                char c = re.charAt(i);
                switch (c) {
                    case '\\' -> {
                        escape(false);
                        last = ATOM;
                    }
                    case '[' -> {
                        characterClass();
                        last = ATOM;
                    }
                    case '(' -> {
                        openGroup();
                        last = null;
                    }
                    case ')' -> {
                        last = frames.pop();
                        i++;
                    }
                    case '|' -> {
                        frames.peek().alternates = true;
                        last = null;
                        i++;
                    }
                    case '*', '+', '?', '{' -> quantifier(c);
                    default -> {
                        last = ATOM;
                        i++;
                    }
                }
            }
            return names;
        }

        private void escape(boolean inClass) throws Patterns.Invalid {
            char e = i + 1 < re.length() ? re.charAt(i + 1) : ' ';
            if (e >= '1' && e <= '9' || e == 'k') {
                throw new Patterns.Invalid("`" + re + "` uses a backreference (`\\" + e + "`), which the edge does not run");
            }
            boolean braced = (e == 'x' || e == 'u') && re.startsWith("{", i + 2);
            if (Character.isLetterOrDigit(e) && SIMPLE_ESCAPES.indexOf(e) < 0 && e != 'x' && e != 'u' || braced) {
                throw new Patterns.Invalid("`" + re + "` uses `\\" + e + "`, which JavaScript reads differently; "
                        + "use a character class like `[A-Za-z]` instead");
            }
            i += e == 'x' ? 4 : e == 'u' ? 6 : 2;
        }

        private void characterClass() throws Patterns.Invalid {
            int start = i;
            i++;
            if (i < re.length() && re.charAt(i) == '^') {
                i++;
            }
            if (i < re.length() && re.charAt(i) == ']') {
                throw new Patterns.Invalid("`" + re + "`: a class starting with `]` means different things in JavaScript and Java; write `\\]`");
            }
            while (i < re.length() && re.charAt(i) != ']') {
                char c = re.charAt(i);
                if (c == '\\') {
                    escape(true);
                } else if (c == '[' || re.startsWith("&&", i)) {
                    throw new Patterns.Invalid("`" + re.substring(start) + "`: nested classes and `&&` are Java-only; write `\\[` for a bracket");
                } else {
                    i++;
                }
            }
            i++;
        }

        private void openGroup() throws Patterns.Invalid {
            int end = i + 1;
            if (re.startsWith("(?", i)) {
                if (re.startsWith("(?:", i) || re.startsWith("(?=", i) || re.startsWith("(?!", i)) {
                    end = i + 3;
                } else if (re.startsWith("(?<=", i) || re.startsWith("(?<!", i)) {
                    end = i + 4;
                } else if (re.startsWith("(?<", i) && re.indexOf('>', i) > 0) {
                    String name = re.substring(i + 3, re.indexOf('>', i));
                    if (!GROUP_NAME.matcher(name).matches()) {
                        throw new Patterns.Invalid("`" + re + "`: name the group with letters, digits or `_`, like `(?<lang>…)`");
                    }
                    names.add(name);
                    end = re.indexOf('>', i) + 1;
                } else {
                    throw new Patterns.Invalid("`" + re + "` uses a `(?` group the edge does not run (flags, atomic groups); "
                            + "use `(?:…)`, lookarounds or `(?<name>…)`");
                }
            }
            frames.push(new Frame());
            i = end;
        }

        private void quantifier(char c) throws Patterns.Invalid {
            int min;
            int max;
            int end = i + 1;
            if (c == '{') {
                int close = re.indexOf('}', i);
                String[] bounds = re.substring(i + 1, close).split(",", -1);
                min = Integer.parseInt(bounds[0]);
                max = bounds.length == 1 ? min : bounds[1].isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(bounds[1]);
                end = close + 1;
            } else {
                min = c == '+' ? 1 : 0;
                max = c == '?' ? 1 : Integer.MAX_VALUE;
            }
            if (end < re.length() && re.charAt(end) == '+') {
                throw new Patterns.Invalid("`" + re + "` uses a possessive quantifier, which JavaScript does not have");
            }
            if (end < re.length() && re.charAt(end) == '?') {
                end++; // lazy: the same worst case
            }
            if (max > 1 && last instanceof Frame group && (group.quantified || group.alternates)) {
                throw new Patterns.Invalid("`" + re + "` repeats a group that holds a quantifier or alternatives (like `(a+)+` "
                        + "or `(a|ab)*`), which can take exponential time on a crafted request; use a character class like `[ab]*`");
            }
            if (max > min && max > 1 && ++variableRepeats > MAX_VARIABLE_REPEATS) {
                throw new Patterns.Invalid("`" + re + "` has more than " + MAX_VARIABLE_REPEATS
                        + " variable repetitions (`*`, `+`, `{n,m}`), which is slow on a crafted request; simplify it");
            }
            for (Frame f : frames) {
                f.quantified = true; // even `?`: `(a?){30}` backtracks 2^30 ways
            }
            last = null;
            i = end;
        }
    }
}
