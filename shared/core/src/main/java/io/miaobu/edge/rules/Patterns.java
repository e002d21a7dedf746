package io.miaobu.edge.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Path patterns in the edge's grammar (edge/src/rules.js): {@code /}-separated segments, each a
 * literal, {@code :name}, {@code :name(regex)}, {@code :name?} (last), {@code *} or
 * {@code :name*} / {@code :name+} (the rest, last). Netlify's and Cloudflare's patterns are already
 * in it; Vercel's path-to-regexp sources are translated into it where they can be.
 */
final class Patterns {
    private static final Pattern PARAM = Pattern.compile("^:([A-Za-z_][A-Za-z0-9_]*)(?:\\((.+)\\))?([*+?])?$");
    private static final Pattern GROUP = Pattern.compile("^\\((.+)\\)$");
    private static final Pattern NAME_REF = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)([*+?])?");

    /** A checked pattern: its text for the edge, whether it has placeholders, and the names it captures. */
    record Checked(String pattern, boolean dynamic, List<String> names) {}

    /** Thrown with a message that says what to change; the rule is then skipped. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private Patterns() {}

    /** A Netlify / Cloudflare Pages pattern ({@code _redirects}, {@code _headers}). */
    static Checked netlify(String source) throws Invalid {
        requirePath(source);
        if (source.contains("\\")) {
            throw new Invalid("the path contains `\\`; use `/` between segments");
        }
        String[] parts = segments(source);
        List<String> names = new ArrayList<>();
        boolean dynamic = false;
        for (int i = 0; i < parts.length; i++) {
            String seg = parts[i];
            boolean last = i == parts.length - 1;
            if (seg.equals("*")) {
                if (!last) {
                    throw new Invalid("a splat `*` must be the last segment of the path");
                }
                names.add("splat");
                dynamic = true;
            } else if (seg.startsWith(":")) {
                Matcher m = PARAM.matcher(seg);
                if (!m.matches() || m.group(2) != null || m.group(3) != null) {
                    throw new Invalid("placeholder `" + seg + "` must be a whole segment named with letters, digits or `_`, like `/:slug`");
                }
                names.add(m.group(1));
                dynamic = true;
            } else if (seg.contains("*")) {
                throw new Invalid("`" + seg + "`: a splat `*` must be a whole segment, like `/blog/*`");
            } else if (seg.contains("?")) {
                throw new Invalid("`" + source + "` contains `?`; match query parameters with `key=value` after the path instead");
            }
        }
        return new Checked(source, dynamic, names);
    }

    /**
     * A Vercel {@code source} (path-to-regexp): named parameters with their modifiers and regexes,
     * and unnamed groups, which become {@code :_1}, {@code :_2}, ... so {@code $1} in the
     * destination can refer to them.
     */
    static Checked vercel(String source) throws Invalid {
        requirePath(source);
        String[] parts = segments(source);
        List<String> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean dynamic = false;
        int groups = 0;
        for (int i = 0; i < parts.length; i++) {
            String seg = parts[i];
            boolean last = i == parts.length - 1;
            Matcher param = PARAM.matcher(seg);
            Matcher group = GROUP.matcher(seg);
            String name;
            String regex;
            String modifier;
            if (param.matches()) {
                name = param.group(1);
                regex = param.group(2);
                modifier = param.group(3);
            } else if (group.matches()) {
                name = "_" + (++groups);
                regex = group.group(1);
                modifier = null;
            } else if (seg.equals("*")) {
                name = "splat";
                regex = null;
                modifier = "*";
            } else {
                if (seg.matches(".*[(){}?*+:\\\\].*")) {
                    throw new Invalid("`" + seg + "` mixes text and parameters in one segment; Miaobu supports parameters as whole segments, like `/blog/:slug`");
                }
                out.add(seg);
                continue;
            }
            if (regex != null && modifier == null && (regex.equals(".*") || regex.equals(".+"))) {
                modifier = regex.equals(".*") ? "*" : "+";
                regex = null;
            }
            if (("*".equals(modifier) || "+".equals(modifier) || "?".equals(modifier)) && !last) {
                throw new Invalid("`" + seg + "` can only be the last segment of the path");
            }
            if (regex != null) {
                if (modifier != null) {
                    throw new Invalid("`" + seg + "`: a parameter with a pattern cannot also be repeated or optional");
                }
                checkRegex(seg, regex);
            }
            out.add(":" + name + (regex == null ? "" : "(" + regex + ")") + (modifier == null ? "" : modifier));
            names.add(name);
            dynamic = true;
        }
        String pattern = "/" + String.join("/", out);
        return new Checked(pattern, dynamic, names);
    }

    /** A Vercel destination with {@code $1} and {@code :name*} references rewritten to {@code :_1} and {@code :name}. */
    static String vercelDestination(String destination) {
        String numbered = destination.replaceAll("\\$(\\d+)", ":_$1");
        Matcher m = NAME_REF.matcher(numbered);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(":" + m.group(1)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The {@code :name} references in a target that the pattern does not capture (they stay as written). */
    static List<String> unknownReferences(String target, List<String> names) {
        List<String> unknown = new ArrayList<>();
        int pathEnd = target.startsWith("http") ? target.indexOf('/', target.indexOf("//") + 2) : 0;
        Matcher m = NAME_REF.matcher(target);
        while (m.find()) {
            if (m.start() >= Math.max(pathEnd, 0) && !names.contains(m.group(1)) && !unknown.contains(m.group(1))) {
                unknown.add(m.group(1));
            }
        }
        return unknown;
    }

    private static void checkRegex(String seg, String regex) throws Invalid {
        if (regex.contains("/")) {
            throw new Invalid("`" + seg + "`: a parameter's pattern cannot match `/`");
        }
        try {
            SafeRegex.check(regex);
        } catch (Invalid e) {
            throw new Invalid("`" + seg + "`: " + e.getMessage());
        }
    }

    private static void requirePath(String source) throws Invalid {
        if (source == null || source.isEmpty()) {
            throw new Invalid("the path is empty");
        }
        if (source.matches("(?i)^https?://.*")) {
            throw new Invalid("rules for a whole domain (`" + source + "`) are not supported; use a path starting with `/`");
        }
        if (!source.startsWith("/")) {
            throw new Invalid("`" + source + "` must start with `/`");
        }
        if (source.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw new Invalid("the path contains a space or control character; percent-encode it");
        }
    }

    private static String[] segments(String source) {
        return java.util.Arrays.stream(source.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
