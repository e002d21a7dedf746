package io.miaobu.github.rest;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's pagination header (RFC 8288):
 * {@code <https://api.github.com/user/repos?page=2>; rel="next", <...page=5>; rel="last"}.
 */
final class LinkHeader {
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
    private static final Pattern PAGE = Pattern.compile("(?:^|&)page=(\\d+)(?:&|$)");

    private LinkHeader() {}

    /** The URL of the link with relation {@code rel}, if the header has one. */
    static Optional<String> url(String header, String rel) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = LINK.matcher(header);
        while (m.find()) {
            for (String param : m.group(2).split(";")) {
                String p = param.trim();
                if (p.equals("rel=\"" + rel + "\"") || p.equals("rel=" + rel)
                        || (p.startsWith("rel=\"") && (" " + p.substring(5, p.length() - 1) + " ").contains(" " + rel + " "))) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return Optional.empty();
    }

    /** The {@code page} query parameter of the {@code rel} link, e.g. 2 for the next page. */
    static Optional<Integer> page(String header, String rel) {
        return url(header, rel).flatMap(url -> {
            String query;
            try {
                query = URI.create(url).getRawQuery();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (query == null) {
                return Optional.empty();
            }
            Matcher m = PAGE.matcher(query);
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        });
    }
}
