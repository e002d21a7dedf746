package io.miaobu.deploy;

/**
 * Who started a deployment, beyond the kind {@code trigger} names: the signed-in user who deployed,
 * redeployed or uploaded a folder ({@code userId}, with the {@code login} and {@code avatarUrl}
 * shown for them at the time), or the deploy hook that was called (its
 * {@code hookName} at the time). Snapshots, so a user or hook deleted or renamed later leaves old
 * deployments as they were. A push has none: its "who" is the commit's {@link CommitAuthor}.
 */
public record Initiator(String userId, String login, String avatarUrl, String hookName) {

    public static Initiator user(String userId, String login, String avatarUrl) {
        return new Initiator(userId, blankToNull(login), blankToNull(avatarUrl), null);
    }

    public static Initiator hook(String hookName) {
        return new Initiator(null, null, null, blankToNull(hookName));
    }

    /** Null when nothing is known (a push, or a deployment from before this was recorded). */
    public static Initiator of(String userId, String login, String avatarUrl, String hookName) {
        if (userId == null && blankToNull(login) == null && blankToNull(hookName) == null) {
            return null;
        }
        return new Initiator(userId, blankToNull(login), blankToNull(avatarUrl), blankToNull(hookName));
    }

    /** A user started it (as opposed to a hook). */
    public boolean isUser() {
        return login != null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
