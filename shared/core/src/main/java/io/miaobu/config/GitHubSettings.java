package io.miaobu.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The GitHub integration's settings. Sign-in needs an OAuth app (client id and secret); without
 * one the dashboard hides "Sign in with GitHub". The base URLs point at github.com by default and
 * at a GitHub Enterprise Server ({@code https://host} and {@code https://host/api/v3}) when set.
 *
 * @param webhookSecret MIAOBU_GITHUB_WEBHOOK_SECRET; when absent the platform derives one from MIAOBU_SECRET_KEY
 */
public record GitHubSettings(
        Optional<String> clientId,
        Optional<String> clientSecret,
        Optional<String> webhookSecret,
        String webUrl,
        String apiUrl) {

    public static final String DEFAULT_WEB_URL = "https://github.com";
    public static final String DEFAULT_API_URL = "https://api.github.com";

    static GitHubSettings fromEnv(Function<String, Optional<String>> env) {
        Optional<String> id = env.apply("MIAOBU_GITHUB_CLIENT_ID");
        Optional<String> secret = env.apply("MIAOBU_GITHUB_CLIENT_SECRET");
        if (id.isPresent() != secret.isPresent()) {
            throw new ConfigException((id.isPresent() ? "MIAOBU_GITHUB_CLIENT_SECRET" : "MIAOBU_GITHUB_CLIENT_ID")
                    + " is not set; GitHub sign-in needs both the OAuth app's client id and its client secret");
        }
        Optional<String> webhookSecret = env.apply("MIAOBU_GITHUB_WEBHOOK_SECRET");
        if (webhookSecret.isPresent() && webhookSecret.get().length() < 16) {
            throw new ConfigException("MIAOBU_GITHUB_WEBHOOK_SECRET must be at least 16 characters (e.g. `openssl rand -hex 32`)");
        }
        return new GitHubSettings(id, secret, webhookSecret,
                baseUrl("MIAOBU_GITHUB_URL", env.apply("MIAOBU_GITHUB_URL").orElse(DEFAULT_WEB_URL)),
                baseUrl("MIAOBU_GITHUB_API_URL", env.apply("MIAOBU_GITHUB_API_URL").orElse(DEFAULT_API_URL)));
    }

    /** Whether GitHub sign-in is offered: an OAuth app is configured. */
    public boolean signInEnabled() {
        return clientId.isPresent() && clientSecret.isPresent();
    }

    /** An http(s) URL without a trailing slash, or a ConfigException naming the variable. */
    static String baseUrl(String variable, String value) {
        String trimmed = value.trim().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null) {
                return trimmed;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(variable + " must be an http(s) URL such as https://miaobu.example.com, got \"" + value + "\"");
    }

    /** Never prints the secrets: configuration objects end up in logs and exception messages. */
    @Override
    public String toString() {
        return "GitHubSettings[clientId=" + clientId.orElse("(none)") + ", clientSecret="
                + (clientSecret.isPresent() ? "***" : "(none)") + ", webhookSecret="
                + (webhookSecret.isPresent() ? "***" : "(derived)") + ", webUrl=" + webUrl + ", apiUrl=" + apiUrl + "]";
    }
}
