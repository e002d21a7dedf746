package io.miaobu.build;

import java.nio.file.Path;

/** Checks out a repository's source for one build. */
public interface SourceFetcher {
    /**
     * Clones {@code gitUrl} into the empty directory {@code into} and checks out {@code commit}
     * when given, else the head of {@code branch}.
     *
     * @throws BuildFailure with a message naming the URL, branch or commit that does not exist
     */
    FetchedSource fetch(String gitUrl, String branch, String commit, Path into, BuildOutput output)
            throws BuildFailure, BuildCanceled;

    record FetchedSource(String commitSha, String commitMessage, String author) {}
}
