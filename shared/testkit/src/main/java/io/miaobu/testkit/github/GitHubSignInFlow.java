package io.miaobu.testkit.github;

import io.miaobu.testkit.RouterClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A browser going through "Sign in with GitHub" against the router and a {@link FakeGitHub}:
 * start (keeping the state cookie), GitHub's authorize page (which approves at once), and the
 * callback with the cookie, ending at the dashboard URL with the token in its fragment.
 */
public final class GitHubSignInFlow {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GitHubSignInFlow() {}

    /** Where the callback redirected the browser, and the fragment's parameters. */
    public record Landing(String location, Map<String, String> fragment) {
        public String token() {
            String token = fragment.get("token");
            if (token == null) {
                throw new AssertionError("no session token, landed on " + location);
            }
            return token;
        }
    }

    /** Signs in from the start page, as {@code login} on GitHub. */
    public static Landing signIn(RouterClient client, FakeGitHub github, String login) {
        RouterClient.Reply start = client.call("GET", "/oauth/github/start", null);
        return complete(client, github, login, start.header("location"), cookieOf(start));
    }

    /** Links GitHub to the client's signed-in account: POST /api/v1/github/link, then GitHub, then the callback. */
    public static Landing link(RouterClient signedIn, FakeGitHub github, String login) {
        RouterClient.Reply link = signedIn.call("POST", "/api/v1/github/link", null);
        if (link.status() != 200) {
            throw new AssertionError("link failed: " + link);
        }
        return complete(signedIn, github, login, link.json().get("url").asText(), cookieOf(link));
    }

    /** The browser at GitHub's authorize page: GitHub answers with the redirect to the app's callback. */
    public static String approveAtGitHub(FakeGitHub github, String login, String authorizeUrl) {
        github.signInAs(login);
        try {
            HttpResponse<Void> approve = HTTP.send(HttpRequest.newBuilder(URI.create(authorizeUrl)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (approve.statusCode() != 302) {
                throw new AssertionError("GitHub's authorize page answered " + approve.statusCode() + " for " + authorizeUrl);
            }
            return approve.headers().firstValue("location").orElseThrow();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The cookie a response sets, as the browser would send it back ({@code name=value}). */
    public static String cookieOf(RouterClient.Reply reply) {
        String setCookie = reply.header("set-cookie");
        if (setCookie == null) {
            throw new AssertionError("no cookie set by " + reply);
        }
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** Calls the callback URL GitHub redirected to, with {@code cookie}; returns where it sends the browser. */
    public static Landing callback(RouterClient client, String callbackUrl, String cookie) {
        URI uri = URI.create(callbackUrl);
        Map<String, List<String>> headers = cookie == null ? Map.of() : Map.of("Cookie", List.of(cookie));
        RouterClient.Reply answer = client.as(null).call("GET", uri.getRawPath() + "?" + uri.getRawQuery(), headers, new byte[0]);
        if (answer.status() != 302) {
            throw new AssertionError("callback answered " + answer);
        }
        String location = answer.header("location");
        int hash = location.indexOf('#');
        Map<String, String> fragment = new LinkedHashMap<>();
        if (hash >= 0) {
            for (String pair : location.substring(hash + 1).split("&")) {
                int eq = pair.indexOf('=');
                fragment.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return new Landing(location, fragment);
    }

    private static Landing complete(RouterClient client, FakeGitHub github, String login, String authorizeUrl, String cookie) {
        return callback(client, approveAtGitHub(github, login, authorizeUrl), cookie);
    }
}
