package io.miaobu.projects;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * A project's slug: the DNS label its hostnames are built from. Lowercase {@code a-z0-9-}, no
 * leading, trailing or doubled dash ({@code --} separates deployment and branch prefixes in hosts).
 */
public final class Slugs {
    static final int MAX_LENGTH = 40;

    /**
     * Names a project cannot take: `{slug}.{base}` would pass for the platform's own hosts (the dashboard,
     * the API, mail) or for a name browsers and resolvers treat specially.
     */
    static final Set<String> RESERVED = Set.of("www", "api", "admin", "app", "dashboard", "localhost", "miaobu", "console",
            "auth", "login", "oauth", "account", "accounts", "webhooks", "hooks", "status", "docs", "help", "support",
            "static", "assets", "cdn", "edge", "mail", "smtp", "imap", "pop", "ftp", "ns1", "ns2", "root", "autodiscover",
            "autoconfig", "wpad", "isatap", "_acme-challenge");

    private Slugs() {}

    public static String fromName(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.length() > MAX_LENGTH) {
            slug = slug.substring(0, MAX_LENGTH).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "site" : slug;
    }

    public static boolean isReserved(String slug) {
        return RESERVED.contains(slug);
    }

    /** The slug tried on the n-th attempt (1-based): the slug itself, then {@link #withSuffix}. */
    public static String candidate(String slug, int attempt) {
        return attempt == 1 ? slug : withSuffix(slug, attempt);
    }

    /** The n-th alternative when the slug is taken: {@code blog-2}, {@code blog-3}, ... */
    public static String withSuffix(String slug, int n) {
        String suffix = "-" + n;
        String base = slug.length() + suffix.length() > MAX_LENGTH
                ? slug.substring(0, MAX_LENGTH - suffix.length()).replaceAll("-+$", "")
                : slug;
        return base + suffix;
    }
}
