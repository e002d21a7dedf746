package io.miaobu.edge;

import io.miaobu.Sha256;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Hostnames of a project's sites under the platform's base domain: {@code {slug}.{base}} for
 * production, {@code {deploymentId}--{slug}.{base}} for every deployment and
 * {@code {branch-slug}--{slug}.{base}} for a branch's newest deployment, and their URLs.
 */
public record Hosts(String baseDomain, String scheme, Optional<Integer> port) {
    private static final int MAX_LABEL = 63;
    private static final Pattern DEPLOYMENT_ID = Pattern.compile("d[0-9a-z]{15}");

    public String production(String slug) {
        return slug + "." + baseDomain;
    }

    public String deployment(String deploymentId, String slug) {
        return deploymentId + "--" + slug + "." + baseDomain;
    }

    public String branch(String branch, String slug) {
        return branchLabel(branch, MAX_LABEL - 2 - slug.length()) + "--" + slug + "." + baseDomain;
    }

    /**
     * A branch name as a DNS label of at most {@code room} characters: lowercase {@code a-z0-9-}
     * ({@code feature/Login} becomes {@code feature-login}). A name that had to be shortened, or
     * that would read as a deployment id, gets a short hash of the full name so it stays distinct.
     */
    static String branchLabel(String branch, int room) {
        String label = branch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (!label.isEmpty() && label.length() <= room && !DEPLOYMENT_ID.matcher(label).matches()) {
            return label;
        }
        String hash = shortHash(branch);
        int keep = Math.max(0, room - hash.length() - 1);
        String head = label.substring(0, Math.min(keep, label.length())).replaceAll("-+$", "");
        return head.isEmpty() ? hash : head + "-" + hash;
    }

    private static String shortHash(String text) {
        return Sha256.hex(text).substring(0, 6);
    }

    public String url(String host) {
        boolean defaultPort = port.isEmpty()
                || (scheme.equals("http") && port.get() == 80)
                || (scheme.equals("https") && port.get() == 443);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port.get());
    }

    /** Whether a request's host is one of the hosted sites rather than the platform itself. */
    public boolean isSiteHost(String host) {
        return host.endsWith("." + baseDomain);
    }
}
