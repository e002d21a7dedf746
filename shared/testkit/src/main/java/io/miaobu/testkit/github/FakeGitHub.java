package io.miaobu.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server speaking the parts of GitHub Miaobu uses, laid out like GitHub Enterprise Server
 * (OAuth at {@code /login/oauth/*}, REST under {@code /api/v3}), with GitHub's JSON shapes, status
 * codes, error bodies and Link pagination. It records every request so tests can assert what
 * Miaobu sent: headers, hook configuration, status payloads.
 *
 * <p>The OAuth authorize page "is" whoever {@link #signInAs} names: it redirects straight back to
 * the app's redirect URI with a code and the state, as GitHub does after the user approves.
 */
public final class FakeGitHub implements AutoCloseable {
    public static final String CLIENT_ID = "Iv1.3c5a7f0e9b2d4c61";
    public static final String CLIENT_SECRET = "f00dfeed0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern REPO_PATH = Pattern.compile("^/repos/([^/]+)/([^/]+)(/.*)?$");

    /** A GitHub user and the email addresses /user/emails lists. */
    public record User(long id, String login, String name, String publicEmail, String primaryEmail, boolean primaryVerified) {}

    /** A repository; {@code cloneUrl} may point at a local Git server. {@code adminLogins} may manage its hooks. */
    public record Repo(long id, String fullName, String defaultBranch, boolean isPrivate, String cloneUrl, Set<String> readers,
                       Set<String> adminLogins) {}

    /** One request as received. */
    public record Recorded(String method, String path, String query, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("request body is not JSON: " + body, e);
            }
        }
    }

    private final HttpServer server;
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>(); // token -> login
    private final Map<String, String> codes = new ConcurrentHashMap<>(); // code -> login
    private final Map<String, List<ObjectNode>> hooks = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectNode>> statuses = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(480_000_000);
    private volatile String browserUser;
    private volatile String grantedScopes = "admin:repo_hook,read:user,repo,user:email";

    private FakeGitHub(HttpServer server) {
        this.server = server;
    }

    public static FakeGitHub start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeGitHub github = new FakeGitHub(server);
        server.createContext("/", github::handle);
        server.start();
        return github;
    }

    /** The web base URL ({@code MIAOBU_GITHUB_URL}). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The API base URL ({@code MIAOBU_GITHUB_API_URL}), GitHub Enterprise Server style. */
    public String apiUrl() {
        return url() + "/api/v3";
    }

    /** The MIAOBU_GITHUB_* variables that point Miaobu at this server with its OAuth app. */
    public Map<String, String> env() {
        return Map.of("MIAOBU_GITHUB_URL", url(), "MIAOBU_GITHUB_API_URL", apiUrl(),
                "MIAOBU_GITHUB_CLIENT_ID", CLIENT_ID, "MIAOBU_GITHUB_CLIENT_SECRET", CLIENT_SECRET);
    }

    public FakeGitHub addUser(User user) {
        users.put(user.login(), user);
        return this;
    }

    public FakeGitHub addRepo(Repo repo) {
        repos.put(repo.fullName().toLowerCase(java.util.Locale.ROOT), repo);
        return this;
    }

    /** Who "is signed in to GitHub" in the browser that opens the authorize page. */
    public FakeGitHub signInAs(String login) {
        browserUser = login;
        return this;
    }

    /** Issues a token for {@code login} directly, as if the OAuth flow had run. */
    public String tokenFor(String login) {
        String token = "gho_" + random(18);
        tokens.put(token, login);
        return token;
    }

    /** Revokes every token: the next API call with one answers 401 Bad credentials. */
    public void revokeAll() {
        tokens.clear();
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public List<Recorded> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    /** The repository's hooks as GET /repos/{o}/{r}/hooks would list them. */
    public List<JsonNode> hooks(String fullName) {
        return List.copyOf(hooks.getOrDefault(fullName.toLowerCase(java.util.Locale.ROOT), List.of()));
    }

    /** The statuses created on a commit, oldest first. */
    public List<JsonNode> statuses(String fullName, String sha) {
        return List.copyOf(statuses.getOrDefault(fullName.toLowerCase(java.util.Locale.ROOT) + "@" + sha, List.of()));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            URI uri = exchange.getRequestURI();
            Recorded request = new Recorded(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(), headers, body);
            requests.add(request);
            Answer answer;
            try {
                answer = route(request);
            } catch (RuntimeException e) {
                e.printStackTrace();
                answer = Answer.json(500, error("Server Error"));
            }
            answer.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            byte[] bytes = answer.body == null ? new byte[0] : answer.body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private record Answer(int status, Map<String, String> headers, String body) {
        static Answer json(int status, JsonNode body) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json; charset=utf-8");
            headers.put("X-GitHub-Media-Type", "github.v3; format=json");
            return new Answer(status, headers, body == null ? null : body.toString());
        }

        Answer with(String header, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(header, value);
            return new Answer(status, copy, body);
        }
    }

    private Answer route(Recorded r) {
        String path = r.path();
        if (path.equals("/login/oauth/authorize") && r.method().equals("GET")) {
            return authorize(r);
        }
        if (path.equals("/login/oauth/access_token") && r.method().equals("POST")) {
            return accessToken(r);
        }
        if (!path.startsWith("/api/v3/")) {
            return Answer.json(404, error("Not Found"));
        }
        path = path.substring("/api/v3".length());
        String login = authenticate(r);
        if (login == null) {
            return Answer.json(401, error(r.header("authorization") == null ? "Requires authentication" : "Bad credentials"));
        }
        User user = users.get(login);
        if (path.equals("/user") && r.method().equals("GET")) {
            return Answer.json(200, userJson(user));
        }
        if (path.equals("/user/emails") && r.method().equals("GET")) {
            return Answer.json(200, emailsJson(user));
        }
        if (path.equals("/user/repos") && r.method().equals("GET")) {
            return listRepos(r, login);
        }
        Matcher m = REPO_PATH.matcher(path);
        if (m.matches()) {
            Repo repo = repos.get((m.group(1) + "/" + m.group(2)).toLowerCase(java.util.Locale.ROOT));
            if (repo == null || !(repo.readers().contains(login) || repo.adminLogins().contains(login))) {
                return Answer.json(404, error("Not Found"));
            }
            return repoRoute(r, repo, login, m.group(3) == null ? "" : m.group(3));
        }
        return Answer.json(404, error("Not Found"));
    }

    private Answer authorize(Recorded r) {
        Map<String, String> q = query(r.query());
        if (!CLIENT_ID.equals(q.get("client_id")) || browserUser == null) {
            return new Answer(404, Map.of("Content-Type", "text/html"), "<h1>404</h1>");
        }
        String code = random(10);
        codes.put(code, browserUser);
        String location = q.get("redirect_uri") + "?code=" + code + "&state=" + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8);
        return new Answer(302, Map.of("Location", location), null);
    }

    private Answer accessToken(Recorded r) {
        Map<String, String> form = query(r.body());
        ObjectNode answer = JSON.createObjectNode();
        String login = codes.remove(form.getOrDefault("code", ""));
        if (!CLIENT_ID.equals(form.get("client_id")) || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            answer.put("error", "incorrect_client_credentials");
            answer.put("error_description", "The client_id and/or client_secret passed are incorrect.");
        } else if (login == null) {
            answer.put("error", "bad_verification_code");
            answer.put("error_description", "The code passed is incorrect or expired.");
        } else {
            String token = tokenFor(login);
            answer.put("access_token", token);
            answer.put("token_type", "bearer");
            answer.put("scope", grantedScopes);
        }
        answer.put("error_uri", "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors");
        if (!answer.has("error")) {
            answer.remove("error_uri");
        }
        return Answer.json(200, answer); // GitHub answers 200 even for errors here
    }

    private Answer listRepos(Recorded r, String login) {
        Map<String, String> q = query(r.query());
        int perPage = Integer.parseInt(q.getOrDefault("per_page", "30"));
        int page = Integer.parseInt(q.getOrDefault("page", "1"));
        List<Repo> visible = repos.values().stream()
                .filter(repo -> repo.readers().contains(login) || repo.adminLogins().contains(login))
                .sorted(Comparator.comparing(Repo::fullName)).toList();
        ArrayNode list = JSON.createArrayNode();
        visible.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(repo -> list.add(repoJson(repo, login)));
        int last = Math.max(1, (visible.size() + perPage - 1) / perPage);
        List<String> links = new ArrayList<>();
        String base = apiUrl() + "/user/repos?per_page=" + perPage + "&";
        if (page < last) {
            links.add("<" + base + "page=" + (page + 1) + ">; rel=\"next\"");
            links.add("<" + base + "page=" + last + ">; rel=\"last\"");
        }
        if (page > 1) {
            links.add("<" + base + "page=1>; rel=\"first\"");
            links.add("<" + base + "page=" + (page - 1) + ">; rel=\"prev\"");
        }
        Answer answer = Answer.json(200, list);
        return links.isEmpty() ? answer : answer.with("Link", String.join(", ", links));
    }

    private Answer repoRoute(Recorded r, Repo repo, String login, String rest) {
        String key = repo.fullName().toLowerCase(java.util.Locale.ROOT);
        boolean admin = repo.adminLogins().contains(login);
        if (rest.isEmpty() && r.method().equals("GET")) {
            return Answer.json(200, repoJson(repo, login));
        }
        if (rest.equals("/hooks") || rest.startsWith("/hooks/")) {
            if (!admin) {
                return Answer.json(404, error("Not Found"));
            }
            List<ObjectNode> list = hooks.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
            if (rest.equals("/hooks") && r.method().equals("GET")) {
                ArrayNode array = JSON.createArrayNode();
                list.forEach(h -> array.add(redacted(h)));
                return Answer.json(200, array);
            }
            if (rest.equals("/hooks") && r.method().equals("POST")) {
                return createHook(r, repo, list);
            }
            if (r.method().equals("DELETE")) {
                long id = Long.parseLong(rest.substring("/hooks/".length()));
                boolean removed = list.removeIf(h -> h.path("id").asLong() == id);
                return removed ? new Answer(204, Map.of(), null) : Answer.json(404, error("Not Found"));
            }
        }
        if (rest.startsWith("/statuses/") && r.method().equals("POST")) {
            JsonNode body = r.json();
            String state = body.path("state").asText("");
            if (!Set.of("error", "failure", "pending", "success").contains(state)) {
                return Answer.json(422, validation("Status", "state", "invalid"));
            }
            ObjectNode status = JSON.createObjectNode();
            status.put("url", apiUrl() + "/repos/" + repo.fullName() + "/statuses/" + rest.substring(10));
            status.put("id", ids.incrementAndGet());
            status.put("node_id", "SC_kwDOKbq1aM8AAAABd" + ids.get());
            status.put("state", state);
            status.set("description", body.get("description"));
            status.set("target_url", body.get("target_url"));
            status.put("context", body.path("context").asText("default"));
            status.put("created_at", Instant.now().toString());
            status.put("updated_at", Instant.now().toString());
            status.set("creator", userJson(users.get(login)));
            statuses.computeIfAbsent(key + "@" + rest.substring(10), k -> new CopyOnWriteArrayList<>()).add(status);
            return Answer.json(201, status);
        }
        return Answer.json(404, error("Not Found"));
    }

    private Answer createHook(Recorded r, Repo repo, List<ObjectNode> list) {
        JsonNode body = r.json();
        JsonNode config = body.path("config");
        if (!"web".equals(body.path("name").asText("web")) || !config.hasNonNull("url")) {
            return Answer.json(422, validation("Hook", "config", "missing_field"));
        }
        boolean exists = list.stream().anyMatch(h -> h.path("config").path("url").asText().equals(config.path("url").asText()));
        if (exists) {
            ObjectNode error = error("Validation Failed");
            ObjectNode detail = error.putArray("errors").addObject();
            detail.put("resource", "Hook");
            detail.put("code", "custom");
            detail.put("message", "Hook already exists on this repository");
            return Answer.json(422, error);
        }
        long id = ids.incrementAndGet();
        ObjectNode hook = JSON.createObjectNode();
        hook.put("type", "Repository");
        hook.put("id", id);
        hook.put("name", "web");
        hook.put("active", body.path("active").asBoolean(true));
        hook.set("events", body.has("events") ? body.get("events") : JSON.createArrayNode().add("push"));
        hook.set("config", config.deepCopy());
        hook.put("updated_at", Instant.now().toString());
        hook.put("created_at", Instant.now().toString());
        String url = apiUrl() + "/repos/" + repo.fullName() + "/hooks/" + id;
        hook.put("url", url);
        hook.put("test_url", url + "/test");
        hook.put("ping_url", url + "/pings");
        hook.put("deliveries_url", url + "/deliveries");
        ObjectNode last = hook.putObject("last_response");
        last.putNull("code");
        last.put("status", "unused");
        last.putNull("message");
        list.add(hook);
        return Answer.json(201, redacted(hook));
    }

    /** GitHub never echoes a hook's secret. */
    private static ObjectNode redacted(ObjectNode hook) {
        ObjectNode copy = hook.deepCopy();
        if (copy.path("config").has("secret")) {
            ((ObjectNode) copy.get("config")).put("secret", "********");
        }
        return copy;
    }

    /** The hook as stored, secret included, for tests that check what Miaobu configured. */
    public JsonNode storedHook(String fullName, long id) {
        return hooks.getOrDefault(fullName.toLowerCase(java.util.Locale.ROOT), List.of()).stream()
                .filter(h -> h.path("id").asLong() == id).findFirst().orElse(null);
    }

    private String authenticate(Recorded r) {
        String header = r.header("authorization");
        if (header == null) {
            return null;
        }
        String token = header.startsWith("Bearer ") ? header.substring(7) : header.startsWith("token ") ? header.substring(6) : null;
        return token == null ? null : tokens.get(token);
    }

    private ObjectNode userJson(User u) {
        ObjectNode n = JSON.createObjectNode();
        n.put("login", u.login());
        n.put("id", u.id());
        n.put("node_id", "MDQ6VXNlcj" + u.id());
        n.put("avatar_url", "https://avatars.githubusercontent.com/u/" + u.id() + "?v=4");
        n.put("gravatar_id", "");
        n.put("url", apiUrl() + "/users/" + u.login());
        n.put("html_url", url() + "/" + u.login());
        n.put("repos_url", apiUrl() + "/users/" + u.login() + "/repos");
        n.put("type", "User");
        n.put("site_admin", false);
        n.put("name", u.name());
        n.putNull("company");
        n.putNull("blog");
        n.putNull("location");
        if (u.publicEmail() == null) {
            n.putNull("email");
        } else {
            n.put("email", u.publicEmail());
        }
        n.putNull("hireable");
        n.putNull("bio");
        n.put("public_repos", 2);
        n.put("followers", 20);
        n.put("following", 0);
        n.put("created_at", "2008-01-14T04:33:35Z");
        n.put("updated_at", "2024-04-01T10:00:00Z");
        return n;
    }

    private static ArrayNode emailsJson(User u) {
        ArrayNode list = JSON.createArrayNode();
        if (u.primaryEmail() != null) {
            ObjectNode primary = list.addObject();
            primary.put("email", u.primaryEmail());
            primary.put("verified", u.primaryVerified());
            primary.put("primary", true);
            primary.put("visibility", "private");
        }
        ObjectNode noreply = list.addObject();
        noreply.put("email", u.id() + "+" + u.login() + "@users.noreply.github.com");
        noreply.put("verified", true);
        noreply.put("primary", false);
        noreply.putNull("visibility");
        return list;
    }

    private ObjectNode repoJson(Repo repo, String login) {
        String owner = repo.fullName().substring(0, repo.fullName().indexOf('/'));
        ObjectNode n = JSON.createObjectNode();
        n.put("id", repo.id());
        n.put("node_id", "R_kgDO" + repo.id());
        n.put("name", repo.fullName().substring(owner.length() + 1));
        n.put("full_name", repo.fullName());
        n.put("private", repo.isPrivate());
        ObjectNode o = n.putObject("owner");
        o.put("login", owner);
        o.put("id", Math.abs(owner.hashCode()));
        o.put("type", "User");
        o.put("site_admin", false);
        n.put("html_url", url() + "/" + repo.fullName());
        n.putNull("description");
        n.put("fork", false);
        n.put("url", apiUrl() + "/repos/" + repo.fullName());
        n.put("hooks_url", apiUrl() + "/repos/" + repo.fullName() + "/hooks");
        n.put("statuses_url", apiUrl() + "/repos/" + repo.fullName() + "/statuses/{sha}");
        n.put("created_at", "2023-09-29T15:06:40Z");
        n.put("updated_at", "2024-05-02T08:11:09Z");
        n.put("pushed_at", "2024-05-02T08:11:09Z");
        n.put("git_url", "git://" + server.getAddress().getHostString() + "/" + repo.fullName() + ".git");
        n.put("ssh_url", "git@" + server.getAddress().getHostString() + ":" + repo.fullName() + ".git");
        n.put("clone_url", repo.cloneUrl());
        n.put("svn_url", url() + "/" + repo.fullName());
        n.putNull("homepage");
        n.put("size", 108);
        n.put("stargazers_count", 0);
        n.put("language", "JavaScript");
        n.put("archived", false);
        n.put("disabled", false);
        n.put("visibility", repo.isPrivate() ? "private" : "public");
        n.put("default_branch", repo.defaultBranch());
        ObjectNode permissions = n.putObject("permissions");
        boolean admin = repo.adminLogins().contains(login);
        permissions.put("admin", admin);
        permissions.put("maintain", admin);
        permissions.put("push", admin);
        permissions.put("triage", admin);
        permissions.put("pull", true);
        return n;
    }

    private static ObjectNode error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("message", message);
        n.put("documentation_url", "https://docs.github.com/rest");
        return n;
    }

    private static ObjectNode validation(String resource, String field, String code) {
        ObjectNode n = error("Validation Failed");
        ObjectNode e = n.putArray("errors").addObject();
        e.put("resource", resource);
        e.put("field", field);
        e.put("code", code);
        return n;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
