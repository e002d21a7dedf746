package io.miaobu.edge;

import java.util.Optional;

/**
 * Hostnames of a project's sites under the platform's base domain: {@code {slug}.{base}} for
 * production and {@code {deploymentId}--{slug}.{base}} for every deployment, and their URLs.
 */
public record Hosts(String baseDomain, String scheme, Optional<Integer> port) {

    public String production(String slug) {
        return slug + "." + baseDomain;
    }

    public String deployment(String deploymentId, String slug) {
        return deploymentId + "--" + slug + "." + baseDomain;
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
