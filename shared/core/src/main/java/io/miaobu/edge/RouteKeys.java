package io.miaobu.edge;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Route-table key of a hostname. ESA's "Get started with Edge KV" allows keys of at most 512 bytes
 * made of letters, digits, {@code -} and {@code _} only, so keys are an injective encoding of the
 * host into that alphabet; edge/src/engine.js {@code encodeRouteKey} is the identical function and
 * both run the vectors in edge/test/vectors/route-keys.json.
 *
 * <p>The host is normalized first: ASCII {@code A-Z} lowercased (no locale rules), a trailing
 * {@code :digits} dropped, then one trailing dot, a lone surrogate read as U+FFFD. Then
 * {@code a-z}, {@code 0-9} and {@code -} stay, {@code .} becomes {@code _}, and every other character
 * is written byte by byte (UTF-8) as two capital letters {@code A}..{@code P}, the high then the low
 * half of the byte ({@code *} = 0x2A is {@code CK}, {@code _} = 0x5F is {@code FP}). Capitals appear
 * only in these pairs, so a key reads back one way (injective), and an ordinary hostname's key is the
 * name with dots as underscores. Runs of capitals always have even length, so no route key starts
 * with the odd run of {@code ACME_CHALLENGE_} ({@link io.miaobu.domains.AcmeChallenges#KV_PREFIX}).
 * A DNS name (at most 253 characters of {@code a-z0-9.-}, or {@code *.} and one) gives a key of at
 * most 255 bytes.
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
                    key.append((char) ('A' + ((b >> 4) & 0xf))).append((char) ('A' + (b & 0xf)));
                }
            }
        }
        return key.toString();
    }

    /**
     * The name of the file a local route table keeps a key's entry in, without extension: the key with
     * every capital {@code X} written {@code ~x}, so that two keys never share a file on a file system
     * that ignores case (macOS, Windows). edge/src/engine.js {@code routeFileName} is the same.
     */
    public static String fileName(String key) {
        StringBuilder name = new StringBuilder(key.length() + 8);
        for (char c : key.toCharArray()) {
            if (c >= 'A' && c <= 'Z') {
                name.append('~').append((char) (c + 32));
            } else {
                name.append(c);
            }
        }
        return name.toString();
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
