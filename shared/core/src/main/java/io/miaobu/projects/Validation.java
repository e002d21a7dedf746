package io.miaobu.projects;

import io.miaobu.build.detect.LocalRepositories;
import io.miaobu.errors.ApiError;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks of user-supplied project settings; each failure says which field and how to fix it. */
public final class Validation {
    private static final Pattern BRANCH = Pattern.compile("^[A-Za-z0-9._/-]{1,200}$");
    private static final Pattern COMMIT = Pattern.compile("^[0-9a-fA-F]{7,40}$");
    private static final Pattern SCP_LIKE = Pattern.compile("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\\s]+$");

    private Validation() {}

    public static String name(String name) {
        if (name == null || name.isBlank()) {
            throw ApiError.invalid("invalid_name", "name", "Project name is required.");
        }
        String trimmed = name.trim();
        if (trimmed.length() > 100) {
            throw ApiError.invalid("invalid_name", "name", "Project name must be at most 100 characters.");
        }
        return trimmed;
    }

    /**
     * A Git URL the builder can clone: https, http, ssh, git@host:path, and — where the operator
     * allows it (local mode) — file:// URLs and absolute paths. In the cloud a local path would
     * read the builder's own disk, so it is refused there.
     */
    public static String gitUrl(String url, boolean allowLocal) {
        if (url == null || url.isBlank()) {
            throw ApiError.invalid("invalid_git_url", "gitUrl", "gitUrl is required: the URL of the Git repository to build.");
        }
        String trimmed = url.trim();
        if (SCP_LIKE.matcher(trimmed).matches()) {
            return trimmed;
        }
        if (trimmed.startsWith("/")) {
            if (!allowLocal) {
                throw ApiError.invalid("invalid_git_url", "gitUrl", "Local repository paths are only allowed in local mode; use an https:// Git URL.");
            }
            return Path.of(trimmed).normalize().toString();
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw ApiError.invalid("invalid_git_url", "gitUrl", "\"" + trimmed + "\" is not a valid Git URL; use e.g. https://github.com/owner/repo.git.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "https", "http", "ssh", "git" -> {
                if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
                    throw ApiError.invalid("invalid_git_url", "gitUrl", "\"" + trimmed + "\" names no repository; use e.g. https://github.com/owner/repo.git.");
                }
                return trimmed;
            }
            case "file" -> {
                if (!allowLocal) {
                    throw ApiError.invalid("invalid_git_url", "gitUrl", "file:// URLs are only allowed in local mode; use an https:// Git URL.");
                }
                return trimmed;
            }
            default -> throw ApiError.invalid("invalid_git_url", "gitUrl",
                    "\"" + trimmed + "\" is not a Git URL Miaobu can clone; use https://, ssh:// or git@host:owner/repo.git"
                            + (allowLocal ? ", a file:// URL or an absolute path." : "."));
        }
    }

    /**
     * A repository on this machine (local mode) must be there when a project names it: a project whose first
     * build could only fail is never created. URLs of other machines are left to the clone.
     */
    public static String existingLocalRepository(String gitUrl) {
        if (gitUrl != null) {
            LocalRepositories.problem(gitUrl).ifPresent(problem -> {
                throw ApiError.invalid("invalid_git_url", "gitUrl", problem);
            });
        }
        return gitUrl;
    }

    public static String branch(String field, String branch) {
        // git check-ref-format's rules for the characters allowed here.
        if (branch == null || !BRANCH.matcher(branch).matches() || branch.contains("..") || branch.contains("//")
                || branch.startsWith("/") || branch.endsWith("/") || branch.endsWith(".") || branch.endsWith(".lock")
                || branch.startsWith("-") || branch.startsWith(".") || branch.contains("/.")) {
            throw ApiError.invalid("invalid_branch", field, field + " \"" + branch + "\" is not a valid Git branch name.");
        }
        return branch;
    }

    public static String commit(String commit) {
        if (commit == null) {
            return null;
        }
        if (!COMMIT.matcher(commit).matches()) {
            throw ApiError.invalid("invalid_commit", "commit", "commit must be a hexadecimal commit SHA (7 to 40 characters), got \"" + commit + "\".");
        }
        return commit.toLowerCase(Locale.ROOT);
    }

    /** A directory inside the repository: relative, no {@code ..}; "" and "." mean the root. Null stays null (not set). */
    public static String relativeDirectory(String field, String dir) {
        if (dir == null) {
            return null;
        }
        String cleaned = dir.trim().replace('\\', '/');
        if (cleaned.startsWith("/")) {
            throw ApiError.invalid("invalid_" + snake(field), field,
                    field + " must be a path inside the repository, like `dist` or `apps/web`; got \"" + dir + "\".");
        }
        while (cleaned.startsWith("./")) {
            cleaned = cleaned.substring(2);
        }
        cleaned = cleaned.replaceAll("/+$", "");
        if (cleaned.isEmpty()) {
            cleaned = ".";
        }
        if (cleaned.startsWith("/") || cleaned.contains("\0")
                || Pattern.compile("(^|/)\\.\\.(/|$)").matcher(cleaned).find()) {
            throw ApiError.invalid("invalid_" + snake(field), field,
                    field + " must be a path inside the repository, like `dist` or `apps/web`; got \"" + dir + "\".");
        }
        return cleaned;
    }

    /** A shell command or null; blank means "not set" so detection applies. */
    public static String command(String field, String command) {
        if (command == null || command.isBlank()) {
            return null;
        }
        if (command.length() > 1000) {
            throw ApiError.invalid("invalid_" + snake(field), field, field + " must be at most 1000 characters.");
        }
        return command.trim();
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
