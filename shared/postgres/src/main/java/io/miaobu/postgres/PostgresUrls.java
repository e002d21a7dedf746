package io.miaobu.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Turns the database URL forms people actually paste into MIAOBU_DATABASE_URL into something the
 * PostgreSQL JDBC driver accepts:
 * <ul>
 *   <li>{@code jdbc:postgresql://host:port/db?user=u&password=p} is passed through untouched (credentials,
 *       if any, stay in the URL and user/password come back null);</li>
 *   <li>{@code postgres://user:pass@host:port/db?sslmode=require} and {@code postgresql://...} (the libpq /
 *       Heroku / Neon form) become {@code jdbc:postgresql://host:port/db?sslmode=require} with the
 *       percent-decoded user and password returned separately.</li>
 * </ul>
 */
public final class PostgresUrls {

    /** A JDBC URL plus the credentials that were taken out of it; user and password may be null. */
    public record Jdbc(String url, String user, String password) {
        @Override
        public String toString() {
            return "Jdbc[url=" + url + ", user=" + user + ", password=" + (password == null ? "null" : "****") + "]";
        }
    }

    private PostgresUrls() {}

    public static Jdbc toJdbc(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database URL is empty");
        }
        String trimmed = url.trim();
        if (trimmed.startsWith("jdbc:postgresql:")) {
            return new Jdbc(trimmed, null, null);
        }
        String scheme = trimmed.startsWith("postgres://") ? "postgres://"
                : trimmed.startsWith("postgresql://") ? "postgresql://" : null;
        if (scheme == null) {
            throw new IllegalArgumentException(
                    "unsupported database URL (expected jdbc:postgresql://, postgres:// or postgresql://): "
                            + redact(trimmed));
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed database URL: " + redact(trimmed), e);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("database URL has no host: " + redact(trimmed));
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(host);
        if (uri.getPort() != -1) {
            jdbc.append(':').append(uri.getPort());
        }
        String path = uri.getRawPath();
        jdbc.append(path == null || path.isEmpty() ? "/" : path);
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                user = decode(userInfo);
            } else {
                user = decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            }
            if (user.isEmpty()) {
                user = null;
            }
        }
        return new Jdbc(jdbc.toString(), user, password);
    }

    private static String decode(String s) {
        // Percent-decoding only: in a URI's userinfo '+' is a literal plus, not a space.
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URL with any password replaced, for error messages and logs. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String out = url.replaceAll("(?<=://)([^:@/]*):[^@/]*@", "$1:****@");
        return out.replaceAll("(?i)(password=)[^&]*", "$1****");
    }
}
