package io.miaobu.build.git;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for Git URLs that may carry credentials ({@code https://user:token@host/...}). */
public final class GitUrls {
    /**
     * {@code scheme://userinfo@}: the user part stops at '/', the password part (after ':') runs to
     * the last '@' before whitespace, so an unescaped '/' or '@' in a token is still masked. This
     * may mask more than the credentials (e.g. {@code https://host:8080/a@b}); never less.
     */
    private static final Pattern USERINFO =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s/@:]*(?::\\S*)?@");

    private GitUrls() {}

    /** Replaces the credentials of every URL in {@code text} with {@code ***}. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = USERINFO.matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + "***@"));
    }

    /**
     * Turns what a user may type into something JGit clones: URLs pass through unchanged, a path
     * to a local repository directory becomes a {@code file://} URI.
     */
    public static String normalize(String gitUrl) {
        String url = gitUrl.strip();
        if (url.contains("://")) {
            return url;
        }
        boolean pathLike = url.startsWith("/") || url.startsWith("./") || url.startsWith("../")
                || url.startsWith("~/") || url.equals(".") || url.equals("..");
        if (url.startsWith("~/")) {
            url = System.getProperty("user.home") + url.substring(1);
        }
        try {
            Path path = Path.of(url);
            if (pathLike || Files.isDirectory(path)) {
                return path.toAbsolutePath().normalize().toUri().toString();
            }
        } catch (InvalidPathException e) {
            // not a path: leave it to JGit (e.g. scp-like git@github.com:owner/repo.git)
        }
        return url;
    }

    /** Credentials embedded in a URL, and the URL without them. */
    record Split(String url, String user, String password) {
        boolean hasCredentials() {
            return user != null;
        }
    }

    /**
     * Splits {@code user:password@} off an http(s) URL. Other URLs (file, ssh, git) are returned
     * as they are.
     */
    static Split split(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return new Split(url, null, null);
        }
        String lower = url.substring(0, scheme).toLowerCase();
        if (!lower.equals("http") && !lower.equals("https")) {
            return new Split(url, null, null);
        }
        int authorityEnd = url.indexOf('/', scheme + 3);
        int at = url.lastIndexOf('@', authorityEnd < 0 ? url.length() - 1 : authorityEnd);
        if (at < scheme + 3) {
            return new Split(url, null, null);
        }
        String userinfo = url.substring(scheme + 3, at);
        String clean = url.substring(0, scheme + 3) + url.substring(at + 1);
        int colon = userinfo.indexOf(':');
        String user = colon < 0 ? userinfo : userinfo.substring(0, colon);
        String password = colon < 0 ? "" : userinfo.substring(colon + 1);
        return new Split(clean, decode(user), decode(password));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
