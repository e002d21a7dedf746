package io.miaobu.github;

import java.util.List;

/** The GitHub port of a platform started without a GitHub adapter (some tests, tools). */
final class NotConfiguredGitHub implements GitHub {
    private static GitHubException unavailable() {
        return new GitHubException(0, "GitHub is not configured on this Miaobu.");
    }

    @Override public String authorizeUrl(String redirectUri, List<String> scopes, String state) { throw unavailable(); }
    @Override public AccessToken exchangeCode(String code, String redirectUri) { throw unavailable(); }
    @Override public Account user(String token) { throw unavailable(); }
    @Override public List<Email> emails(String token) { throw unavailable(); }
    @Override public RepositoryPage repositories(String token, int page) { throw unavailable(); }
    @Override public Repository repository(String token, String fullName) { throw unavailable(); }
    @Override public List<Hook> hooks(String token, String fullName) { throw unavailable(); }
    @Override public Hook createHook(String token, String fullName, NewHook hook) { throw unavailable(); }
    @Override public void deleteHook(String token, String fullName, long hookId) { throw unavailable(); }
    @Override public void createStatus(String token, String fullName, String sha, CommitStatus status) { throw unavailable(); }
}
