package io.miaobu.edge;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Route-table key of a hostname. Edge KV refuses some characters of hostnames, so keys are encoded;
 * edge/src/engine.js {@code encodeRouteKey} is the identical function and both must stay in step.
 */
public final class RouteKeys {
    private RouteKeys() {}

    private static final java.util.regex.Pattern PORT = java.util.regex.Pattern.compile(":[0-9]+\\z"); // \z, not $: Java's $ also matches before a final newline, JavaScript's does not

    private static final java.util.regex.Pattern ASCII_NAME = java.util.regex.Pattern.compile("[a-z0-9.-]+");

    public static String encode(String host) {
        String h = normalize(host);
        StringBuilder key = new StringBuilder(h.length());
        for (int i = 0; i < h.length(); ) {
            int cp = h.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.SURROGATE) {
                cp = 0xFFFD; // a lone surrogate: JavaScript's TextEncoder writes U+FFFD, Java would write '?'
            }
            if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-') {
                key.append((char) cp);
            } else if (cp == '.') {
                key.append('_');
            } else {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    key.append('~').append(String.format("%02x", b & 0xff));
                }
            }
        }
        return key.toString();
    }

    /**
     * The hosts whose route entries may serve a request for {@code host}, in the order the edge tries
     * them (edge/src/engine.js {@code routeKeysFor}): the host itself, then the wildcard custom domain
     * covering it one label deep ({@code *.shop.com} for {@code a.shop.com}); none for two-label names.
     */
    public static List<String> lookupOrder(String host) {
        String h = normalize(host);
        int dot = h.indexOf('.');
        if (!ASCII_NAME.matcher(h).matches() || dot <= 0 || h.indexOf('.', dot + 1) < 0) {
            return List.of(host);
        }
        return List.of(host, "*" + h.substring(dot));
    }

    private static String normalize(String host) {
        // Only ASCII A-Z is lowercased: the result must not depend on a locale, in Java or in JavaScript.
        StringBuilder lower = new StringBuilder(host.length());
        for (char c : host.toCharArray()) {
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        String h = PORT.matcher(lower).replaceFirst("");
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
