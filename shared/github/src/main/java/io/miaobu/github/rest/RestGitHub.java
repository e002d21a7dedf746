package io.miaobu.github.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.config.GitHubSettings;
import io.miaobu.github.GitHub;
import io.miaobu.github.GitHubException;
import io.miaobu.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The GitHub port over GitHub's REST API (version 2022-11-28) and OAuth web flow, with the JDK's
 * HTTP client. Base URLs come from the settings, so a GitHub Enterprise Server
 * ({@code https://host}, {@code https://host/api/v3}) works the same as github.com.
 */
public final class RestGitHub implements GitHub {
    private static final String API_VERSION = "2022-11-28";
    private static final String USER_AGENT = "Miaobu";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private volatile HttpClient http;
    private final String webUrl;
    private final String apiUrl;
    private final String clientId;
    private final String clientSecret;

    /** The HTTP client is made on first use: functions that never call GitHub do not pay for it at cold start. */
    public RestGitHub(GitHubSettings settings) {
        this(settings, null);
    }

    public RestGitHub(GitHubSettings settings, HttpClient http) {
        this.http = http;
        this.webUrl = settings.webUrl();
        this.apiUrl = settings.apiUrl();
        this.clientId = settings.clientId().orElse(null);
        this.clientSecret = settings.clientSecret().orElse(null);
    }

    @Override
    public String authorizeUrl(String redirectUri, List<String> scopes, String state) {
        requireOAuthApp();
        return webUrl + "/login/oauth/authorize?client_id=" + encode(clientId)
                + "&redirect_uri=" + encode(redirectUri)
                + "&scope=" + encode(String.join(" ", scopes))
                + "&state=" + encode(state)
                + "&allow_signup=true";
    }

    @Override
    public AccessToken exchangeCode(String code, String redirectUri) {
        requireOAuthApp();
        String form = "client_id=" + encode(clientId) + "&client_secret=" + encode(clientSecret)
                + "&code=" + encode(code) + "&redirect_uri=" + encode(redirectUri);
        HttpRequest request = HttpRequest.newBuilder(URI.create(webUrl + "/login/oauth/access_token"))
                .timeout(TIMEOUT)
                .header("accept", "application/json")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("user-agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        JsonNode body = json(send(request));
        // GitHub answers a bad or expired code with 200 and an error object.
        if (body.hasNonNull("error") || !body.hasNonNull("access_token")) {
            throw new GitHubException(400, body.path("error_description").asText(body.path("error").asText("no access token in GitHub's answer")));
        }
        List<String> scopes = Arrays.stream(body.path("scope").asText("").split("[,\\s]+"))
                .filter(s -> !s.isBlank()).toList();
        return new AccessToken(body.get("access_token").asText(), scopes);
    }

    @Override
    public Account user(String token) {
        JsonNode u = json(get(token, "/user"));
        return new Account(u.path("id").asLong(), u.path("login").asText(), text(u, "name"), text(u, "email"));
    }

    @Override
    public List<Email> emails(String token) {
        List<Email> emails = new ArrayList<>();
        for (JsonNode e : json(get(token, "/user/emails?per_page=100"))) {
            emails.add(new Email(e.path("email").asText(), e.path("primary").asBoolean(), e.path("verified").asBoolean()));
        }
        return emails;
    }

    @Override
    public RepositoryPage repositories(String token, int page) {
        HttpResponse<String> response = get(token, "/user/repos?per_page=100&page=" + page
                + "&sort=updated&affiliation=owner,collaborator,organization_member&visibility=all");
        List<Repository> repositories = new ArrayList<>();
        for (JsonNode r : json(response)) {
            repositories.add(repository(r));
        }
        return new RepositoryPage(repositories, page,
                LinkHeader.page(response.headers().firstValue("link").orElse(null), "next"));
    }

    @Override
    public Repository repository(String token, String fullName) {
        return repository(json(get(token, "/repos/" + path(fullName))));
    }

    @Override
    public List<Hook> hooks(String token, String fullName) {
        List<Hook> hooks = new ArrayList<>();
        for (JsonNode h : json(get(token, "/repos/" + path(fullName) + "/hooks?per_page=100"))) {
            hooks.add(hook(h));
        }
        return hooks;
    }

    @Override
    public Hook createHook(String token, String fullName, NewHook hook) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("url", hook.url());
        config.put("content_type", "json");
        config.put("secret", hook.secret());
        config.put("insecure_ssl", "0");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "web");
        body.put("active", true);
        body.put("events", hook.events());
        body.put("config", config);
        return hook(json(send(api(token, "/repos/" + path(fullName) + "/hooks")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build())));
    }

    @Override
    public void deleteHook(String token, String fullName, long hookId) {
        try {
            send(api(token, "/repos/" + path(fullName) + "/hooks/" + hookId).DELETE().build());
        } catch (GitHubException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void createStatus(String token, String fullName, String sha, CommitStatus status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", status.state());
        body.put("target_url", status.targetUrl());
        body.put("description", status.description());
        body.put("context", status.context());
        send(api(token, "/repos/" + path(fullName) + "/statuses/" + encode(sha))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
    }

    private HttpResponse<String> get(String token, String pathAndQuery) {
        return send(api(token, pathAndQuery).GET().build());
    }

    private HttpRequest.Builder api(String token, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(apiUrl + pathAndQuery))
                .timeout(TIMEOUT)
                .header("authorization", "Bearer " + token)
                .header("accept", "application/vnd.github+json")
                .header("x-github-api-version", API_VERSION)
                .header("user-agent", USER_AGENT)
                .header("content-type", "application/json");
    }

    /** Sends; a non-2xx answer becomes a GitHubException carrying GitHub's status and message. */
    private HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = client().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new GitHubException(0, "could not reach " + request.uri().getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubException(0, "interrupted while calling GitHub", e);
        }
        if (response.statusCode() / 100 != 2) {
            String message = "HTTP " + response.statusCode();
            try {
                JsonNode error = Json.MAPPER.readTree(response.body());
                if (error != null && error.hasNonNull("message")) {
                    message = error.get("message").asText() + errors(error);
                }
            } catch (IOException e) {
                // not JSON: keep the status line
            }
            throw new GitHubException(response.statusCode(), message);
        }
        return response;
    }

    private HttpClient client() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    // Never following redirects: a redirect must not carry the token to another host.
                    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
                client = http;
            }
        }
        return client;
    }

    /** GitHub's validation failures ({@code errors: [{message}|{code, field}]}) appended to its message. */
    private static String errors(JsonNode error) {
        if (!error.path("errors").isArray() || error.path("errors").isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode e : error.path("errors")) {
            parts.add(e.hasNonNull("message") ? e.get("message").asText()
                    : e.path("field").asText("") + " " + e.path("code").asText(""));
        }
        return " (" + String.join("; ", parts).trim() + ")";
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            JsonNode node = Json.MAPPER.readTree(response.body());
            if (node == null) {
                throw new GitHubException(response.statusCode(), "GitHub's answer was empty");
            }
            return node;
        } catch (IOException e) {
            throw new GitHubException(response.statusCode(), "GitHub's answer is not JSON", e);
        }
    }

    private static Repository repository(JsonNode r) {
        return new Repository(r.path("id").asLong(), r.path("full_name").asText(), r.path("default_branch").asText("main"),
                r.path("private").asBoolean(), r.path("clone_url").asText(), r.path("html_url").asText(),
                r.path("permissions").path("admin").asBoolean(false), instant(text(r, "pushed_at")));
    }

    private static Hook hook(JsonNode h) {
        List<String> events = new ArrayList<>();
        h.path("events").forEach(e -> events.add(e.asText()));
        return new Hook(h.path("id").asLong(), h.path("config").path("url").asText(null), events, h.path("active").asBoolean());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code owner/name} with each part percent-encoded, the slash kept. */
    private static String path(String fullName) {
        return Arrays.stream(fullName.split("/", -1)).map(RestGitHub::encode).collect(Collectors.joining("/"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void requireOAuthApp() {
        if (clientId == null || clientSecret == null) {
            throw new GitHubException(0, "no GitHub OAuth app is configured (MIAOBU_GITHUB_CLIENT_ID, MIAOBU_GITHUB_CLIENT_SECRET)");
        }
    }
}
