package io.miaobu.build.detect;

import io.miaobu.edge.Hosts;
import io.miaobu.envvars.EnvVarService;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.ProjectService;
import io.miaobu.projects.ProjectStore;
import io.miaobu.projects.Slugs;
import io.miaobu.projects.Validation;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Use case: everything the import screen can know is wrong before it creates a project — a
 * repository that cannot be cloned (an unreachable URL, a path with no repository), a production
 * branch it does not have, a root directory it lacks, variable names a build cannot take — each
 * under the field it belongs to, in the words the screen shows; and the address the project will
 * get (a name already taken gets {@code -2}). Nothing is created.
 */
public final class ImportCheck {
    private final DetectService detect;
    private final ProjectStore projects;
    private final Hosts hosts;
    private final boolean allowLocalRepositories;

    public ImportCheck(DetectService detect, ProjectStore projects, Hosts hosts, boolean allowLocalRepositories) {
        this.detect = detect;
        this.projects = projects;
        this.hosts = hosts;
        this.allowLocalRepositories = allowLocalRepositories;
    }

    /**
     * The request body of POST /api/v1/import/check: the fields of a new project, any of them
     * absent (then not checked), and the names of its environment variables. {@code githubRepository}
     * set means the repository was picked from the user's GitHub account: it is not cloned here
     * (a private one needs the owner's token, which the build uses).
     */
    public record Request(String name, String gitUrl, String githubRepository, String productionBranch,
                          String rootDirectory, String installCommand, String buildCommand,
                          String outputDirectory, List<String> envKeys) {}

    /**
     * {@code errors} is keyed by field: name, gitUrl, productionBranch, rootDirectory, ..., env;
     * {@code nameTaken} says the name's own address belongs to another project, so this one gets a suffix.
     */
    public record Result(String slug, String url, boolean nameTaken, Map<String, String> errors) {}

    public Result check(Request request) throws IOException {
        Map<String, String> errors = new LinkedHashMap<>();
        String slug = null;
        boolean taken = false;
        if (request.name() != null) {
            if (request.name().isBlank()) {
                errors.put("name", "Give the project a name; its address is made from it.");
            } else if (request.name().trim().length() > 100) {
                errors.put("name", "Use at most 100 characters.");
            } else {
                String own = Slugs.fromName(request.name().trim());
                slug = freeSlug(own);
                taken = !own.equals(slug);
            }
        }
        String branch = null;
        if (request.productionBranch() != null) {
            try {
                branch = Validation.branch("productionBranch", request.productionBranch().trim());
            } catch (ApiError e) {
                errors.put("productionBranch", "`" + request.productionBranch() + "` is not a valid Git branch name.");
            }
        }
        String root = directory("rootDirectory", request.rootDirectory(), errors);
        directory("outputDirectory", request.outputDirectory(), errors);
        command("installCommand", request.installCommand(), errors);
        command("buildCommand", request.buildCommand(), errors);
        envKeys(request.envKeys(), errors);
        if (request.githubRepository() == null && request.gitUrl() != null) {
            checkRepository(request.gitUrl(), branch, errors.containsKey("rootDirectory") ? null : root, errors);
        }
        return new Result(slug, slug == null ? null : hosts.url(hosts.production(slug)), taken, errors);
    }

    private void checkRepository(String url, String branch, String root, Map<String, String> errors) throws IOException {
        String gitUrl;
        try {
            gitUrl = Validation.gitUrl(url, allowLocalRepositories);
        } catch (ApiError e) {
            errors.put("gitUrl", url.isBlank()
                    ? "Enter the repository's Git URL" + (allowLocalRepositories ? ", or the path of a repository on this machine." : ".")
                    : e.getMessage());
            return;
        }
        try {
            detect.detect(new DetectService.Request(gitUrl, branch, root));
        } catch (ApiError e) {
            if (e.code().equals("root_directory_missing")) {
                errors.put("rootDirectory", "The repository has no folder `" + root + "`.");
            } else if (branch != null && reachableWithoutBranch(gitUrl)) {
                errors.put("productionBranch", e.getMessage());
            } else {
                errors.put("gitUrl", e.getMessage());
            }
        }
    }

    /** Whether the repository clones at its default branch: then the branch asked for is what failed. */
    private boolean reachableWithoutBranch(String gitUrl) throws IOException {
        try {
            detect.detect(new DetectService.Request(gitUrl, null, null));
            return true;
        } catch (ApiError e) {
            return false;
        }
    }

    /** The slug a project of this name gets now: its own, or the first free {@code -n} alternative. */
    private String freeSlug(String slug) {
        for (int attempt = 1; attempt <= ProjectService.SLUG_ATTEMPTS; attempt++) {
            String candidate = Slugs.candidate(slug, attempt);
            if (projects.findBySlug(candidate).isEmpty()) {
                return candidate;
            }
        }
        return null;
    }

    private static String directory(String field, String value, Map<String, String> errors) {
        try {
            return Validation.relativeDirectory(field, value);
        } catch (ApiError e) {
            errors.put(field, "Use a folder inside the repository, like `dist` or `apps/web`.");
            return null;
        }
    }

    private static void command(String field, String value, Map<String, String> errors) {
        try {
            Validation.command(field, value);
        } catch (ApiError e) {
            errors.put(field, "Use at most 1000 characters.");
        }
    }

    private static void envKeys(List<String> keys, Map<String, String> errors) {
        if (keys == null) {
            return;
        }
        Set<String> problems = new HashSet<>();
        StringBuilder all = new StringBuilder();
        for (String key : keys) {
            EnvVarService.keyProblem(key).filter(problems::add).ifPresent(p -> all.append(all.isEmpty() ? "" : "; ").append(p));
        }
        if (!all.isEmpty()) {
            errors.put("env", all + ".");
        }
    }
}
