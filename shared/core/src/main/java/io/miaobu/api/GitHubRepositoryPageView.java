package io.miaobu.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.miaobu.github.GitHub;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of the signed-in user's GitHub repositories.
 *
 * @param nextPage the next page's number, or null on the last page
 */
@ApiSchema("GitHubRepositoryPage")
public record GitHubRepositoryPageView(List<Repository> repositories, int page, @Nullable Integer nextPage) {

    /** @param admin whether the account may add the webhook */
    public record Repository(long id, String fullName, @JsonProperty("private") boolean isPrivate,
                             String defaultBranch, String cloneUrl, String htmlUrl, boolean admin,
                             @Nullable Instant pushedAt) {}

    public static GitHubRepositoryPageView of(GitHub.RepositoryPage page) {
        return new GitHubRepositoryPageView(page.repositories().stream().map(r -> new Repository(r.id(), r.fullName(),
                r.isPrivate(), r.defaultBranch(), r.cloneUrl(), r.htmlUrl(), r.admin(), r.pushedAt())).toList(),
                page.page(), page.nextPage().orElse(null));
    }
}
