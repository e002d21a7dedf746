package io.miaobu.build.detect;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.FileTrees;
import io.miaobu.build.SourceFetcher;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Use case: what Miaobu would build for a Git repository, before a project exists (the import
 * screen). Clones the branch head shallowly into a scratch directory, detects, and removes it.
 */
public final class DetectService {
    private final SourceFetcher fetcher;
    private final boolean allowLocalRepositories;
    private final Path scratch;

    public DetectService(SourceFetcher fetcher, boolean allowLocalRepositories, Path scratch) {
        this.fetcher = fetcher;
        this.allowLocalRepositories = allowLocalRepositories;
        this.scratch = scratch;
    }

    /** The request body of POST /api/v1/detect. */
    public record Request(String gitUrl, String ref, String rootDirectory) {}

    public Detection detect(Request request) throws IOException {
        String gitUrl = Validation.gitUrl(request.gitUrl(), allowLocalRepositories);
        String ref = request.ref() == null ? null : Validation.branch("ref", request.ref().trim());
        String root = Validation.relativeDirectory("rootDirectory", request.rootDirectory());
        var local = LocalRepositories.problem(gitUrl);
        if (local.isPresent()) {
            throw ApiError.unprocessable("repository_unreadable", local.get());
        }
        Files.createDirectories(scratch);
        Path dir = Files.createTempDirectory(scratch, "detect-");
        try {
            fetcher.fetch(gitUrl, ref, null, dir.resolve("repo"), (stream, text) -> { });
            Path repo = dir.resolve("repo");
            if (root != null && !Files.isDirectory(repo.resolve(root).normalize())) {
                throw ApiError.unprocessable("root_directory_missing",
                        "Root directory `" + root + "` does not exist in the repository; set rootDirectory to the folder that holds your site.");
            }
            return FrameworkDetector.standard().detect(new DirectorySourceTree(repo), root);
        } catch (BuildFailure e) {
            throw ApiError.unprocessable("repository_unreadable", e.getMessage());
        } catch (BuildCanceled e) {
            throw new ApiError(503, "canceled", "Detection was interrupted; try again.");
        } finally {
            FileTrees.delete(dir);
        }
    }
}
