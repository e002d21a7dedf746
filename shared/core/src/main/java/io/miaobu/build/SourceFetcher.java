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
    default FetchedSource fetch(String gitUrl, String branch, String commit, Path into, BuildOutput output)
            throws BuildFailure, BuildCanceled {
        return fetch(gitUrl, null, branch, commit, into, output);
    }

    /**
     * Like {@link #fetch(String, String, String, Path, BuildOutput)}, authenticating with
     * {@code credentials} when not null (a private GitHub repository: the owner's token). The
     * credentials never reach the checkout's configuration or the output.
     */
    FetchedSource fetch(String gitUrl, Credentials credentials, String branch, String commit, Path into,
                        BuildOutput output) throws BuildFailure, BuildCanceled;

    record FetchedSource(String commitSha, String commitMessage, String author) {}

    /** HTTP Basic credentials for the Git server; {@link #toString} never shows the password. */
    record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + ":***]";
        }
    }
}
