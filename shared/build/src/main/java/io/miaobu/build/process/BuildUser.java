package io.miaobu.build.process;

import io.miaobu.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The unprivileged identity user commands run as (DESIGN §6). Resolved once from MIAOBU_BUILD_USER:
 * a user name from /etc/passwd, {@code uid} or {@code uid:gid}, or {@code current} for no switch.
 * Unset, a platform running as root builds as {@code nobody}; one running as an ordinary user
 * builds as itself (it cannot switch, and holds nothing a build could take from root).
 */
public record BuildUser(int uid, int gid, String name) {
    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final int NOBODY = 65534;

    public BuildUser {
        if (uid == 0) {
            throw new ConfigException("MIAOBU_BUILD_USER must not be root: builds run the repository's own code");
        }
    }

    /** Empty: commands run as the platform's own user. */
    public static Optional<BuildUser> resolve(Optional<String> configured) {
        int self = currentUid();
        String value = configured.map(String::strip).orElse("");
        if (value.equals("current")) {
            return Optional.empty();
        }
        if (value.isEmpty()) {
            if (self != 0) {
                return Optional.empty();
            }
            return Optional.of(lookup("nobody").orElse(new BuildUser(NOBODY, NOBODY, "nobody")));
        }
        BuildUser user;
        if (value.matches("\\d+(:\\d+)?")) {
            String[] parts = value.split(":");
            int uid = Integer.parseInt(parts[0]);
            user = new BuildUser(uid, parts.length > 1 ? Integer.parseInt(parts[1]) : uid, "uid " + uid);
        } else {
            user = lookup(value).orElseThrow(() -> new ConfigException(
                    "MIAOBU_BUILD_USER names user `" + value + "`, which does not exist; create it or give a uid:gid"));
        }
        if (self != 0 && self != user.uid()) {
            throw new ConfigException("MIAOBU_BUILD_USER=" + value + " needs Miaobu to run as root to switch users (it runs as uid "
                    + self + "); unset MIAOBU_BUILD_USER to build as the current user");
        }
        return self == user.uid() ? Optional.empty() : Optional.of(user);
    }

    private static Optional<BuildUser> lookup(String name) {
        try {
            for (String line : Files.readAllLines(PASSWD)) {
                String[] f = line.split(":");
                if (f.length >= 4 && f[0].equals(name)) {
                    return Optional.of(new BuildUser(Integer.parseInt(f[2]), Integer.parseInt(f[3]), name));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no readable passwd: fall through
        }
        return Optional.empty();
    }

    /** The effective uid of this process: /proc/self belongs to it. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    @Override
    public String toString() {
        return name + " (uid " + uid + ", gid " + gid + ")";
    }
}
