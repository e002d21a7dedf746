package io.miaobu.github;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The GitHub port (DESIGN §3): OAuth, the signed-in user's repositories, repository webhooks and
 * commit statuses. One adapter speaks GitHub's REST API at configurable base URLs, so github.com
 * and GitHub Enterprise Server are the same code. Every call that fails throws {@link GitHubException}.
 */
public interface GitHub {
    /** The browser URL that asks the user to authorize Miaobu's OAuth app. */
    String authorizeUrl(String redirectUri, List<String> scopes, String state);

    /** Exchanges the code GitHub sent to the callback for an access token. */
    AccessToken exchangeCode(String code, String redirectUri);

    Account user(String token);

    /** The account's email addresses (needs the user:email scope). */
    List<Email> emails(String token);

    /** One page (1-based) of the repositories the user can see, 100 to a page. */
    RepositoryPage repositories(String token, int page);

    /** @throws GitHubException with status 404 when the repository does not exist or is not visible */
    Repository repository(String token, String fullName);

    List<Hook> hooks(String token, String fullName);

    Hook createHook(String token, String fullName, NewHook hook);

    /** Deleting a hook that is already gone is not an error. */
    void deleteHook(String token, String fullName, long hookId);

    void createStatus(String token, String fullName, String sha, CommitStatus status);

    record AccessToken(String token, List<String> scopes) {
        @Override
        public String toString() {
            return "AccessToken[***, scopes=" + scopes + "]";
        }
    }

    record Account(long id, String login, String name, String email) {}

    record Email(String email, boolean primary, boolean verified) {}

    record Repository(long id, String fullName, String defaultBranch, boolean isPrivate, String cloneUrl,
                      String htmlUrl, boolean admin, Instant pushedAt) {}

    /** {@code nextPage} comes from GitHub's Link header ({@code rel="next"}). */
    record RepositoryPage(List<Repository> repositories, int page, Optional<Integer> nextPage) {}

    record Hook(long id, String url, List<String> events, boolean active) {}

    record NewHook(String url, String secret, List<String> events) {
        @Override
        public String toString() {
            return "NewHook[url=" + url + ", secret=***, events=" + events + "]";
        }
    }

    /** {@code state} is one of pending, success, failure, error; descriptions are cut to GitHub's 140 characters. */
    record CommitStatus(String state, String targetUrl, String description, String context) {
        public CommitStatus {
            if (description != null && description.length() > 140) {
                description = description.substring(0, 139) + "…";
            }
        }
    }

    /** What a platform without a GitHub adapter answers: every call says GitHub is not set up. */
    GitHub NOT_CONFIGURED = new NotConfiguredGitHub();
}
