package io.miaobu.deploy;

/**
 * Who wrote a deployed commit. {@code name} comes from the commit (Git author); {@code login} and
 * {@code avatarUrl} only when GitHub told us (a push webhook), so each part may be null.
 */
public record CommitAuthor(String name, String login, String avatarUrl) {

    /** Null when nothing is known, so a deployment without an author has no empty object. */
    public static CommitAuthor of(String name, String login, String avatarUrl) {
        String n = blankToNull(name);
        String l = blankToNull(login);
        String a = blankToNull(avatarUrl);
        return n == null && l == null && a == null ? null : new CommitAuthor(n, l, a);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
