package io.miaobu.edge.rules;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Which response headers a site's rules may set, and what a valid name and value look like. */
final class HeaderNames {
    private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
    /** Headers the edge itself owns: framing, validation and routing. Setting them would break responses. */
    private static final Set<String> RESERVED = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "upgrade", "te", "trailer", "host", "content-encoding", "etag", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "x-miaobu-deployment");
    static final int MAX_VALUE = 8 * 1024;

    private HeaderNames() {}

    /** The lower-case name, or a message saying what is wrong with it. */
    static String check(String name) throws Patterns.Invalid {
        if (!TOKEN.matcher(name).matches()) {
            throw new Patterns.Invalid("`" + name + "` is not a valid header name");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower)) {
            throw new Patterns.Invalid("`" + name + "` is set by Miaobu's edge and cannot be changed by a rule");
        }
        return lower;
    }

    static void checkValue(String name, String value) throws Patterns.Invalid {
        if (value.length() > MAX_VALUE) {
            throw new Patterns.Invalid("the value of `" + name + "` is longer than " + MAX_VALUE + " characters");
        }
        if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
            throw new Patterns.Invalid("the value of `" + name + "` contains a control character");
        }
    }
}
