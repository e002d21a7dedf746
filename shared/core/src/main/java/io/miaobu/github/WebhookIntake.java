package io.miaobu.github;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.Ids;
import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.CommitAuthor;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentService;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.deploy.LogLine;
import io.miaobu.deploy.Publisher;
import io.miaobu.edge.Hosts;
import io.miaobu.errors.ApiError;
import io.miaobu.json.Json;
import io.miaobu.http.Request;
import io.miaobu.http.Response;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /webhooks/github}: checks the signature before reading anything, drops redeliveries,
 * and turns pushes and pull requests into queued deployments. It only records and enqueues, so it
 * answers in milliseconds (GitHub gives up after 10 seconds).
 *
 * <ul>
 *   <li>push to a branch: a deployment of the pushed commit (production for the production branch,
 *   preview otherwise); older queued builds of that branch are canceled;</li>
 *   <li>push deleting a branch: its branch host is removed;</li>
 *   <li>pull request opened, synchronized or reopened (not from a fork): a preview of its head,
 *   unless that commit is already deployed;</li>
 *   <li>ping: answered; anything else, or a repository no project uses: 202, ignored.</li>
 * </ul>
 */
public final class WebhookIntake {
    public static final int MAX_BODY = 25 * 1024 * 1024;
    private static final Pattern SHA = Pattern.compile("^[0-9a-f]{40}$");
    private static final Set<String> PR_ACTIONS = Set.of("opened", "synchronize", "reopened");
    private static final Duration KEEP_DELIVERIES = Duration.ofDays(30);
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);
    // GitHub lists at most 20 commits with their files in a push payload; beyond that the file lists are not the whole story.
    private static final int MAX_COMMITS_TO_TRUST = 20;

    private final WebhookSignature signature;
    private final GitHubStore store;
    private final ProjectStore projects;
    private final DeploymentStore deployments;
    private final DeploymentService deploymentService;
    private final BuildLogStore logs;
    private final Publisher publisher;
    private final Hosts hosts;
    private final Clock clock;
    private volatile Instant lastPrune = Instant.EPOCH;

    public WebhookIntake(WebhookSignature signature, GitHubStore store, ProjectStore projects, DeploymentStore deployments,
                         DeploymentService deploymentService, BuildLogStore logs, Publisher publisher, Hosts hosts,
                         Clock clock) {
        this.signature = signature;
        this.store = store;
        this.projects = projects;
        this.deployments = deployments;
        this.deploymentService = deploymentService;
        this.logs = logs;
        this.publisher = publisher;
        this.hosts = hosts;
        this.clock = clock;
    }

    public Response receive(Request request) {
        byte[] body = request.body();
        if (body.length > MAX_BODY) {
            throw new ApiError(413, "payload_too_large", "Webhook payloads are limited to 25 MiB, as on GitHub.");
        }
        if (!signature.verify(body, request.header("x-hub-signature-256").orElse(null))) {
            throw new ApiError(401, "invalid_signature", "X-Hub-Signature-256 is missing or does not match the body; "
                    + "the webhook's secret must be MIAOBU_GITHUB_WEBHOOK_SECRET.");
        }
        String contentType = request.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (!contentType.startsWith("application/json")) {
            throw new ApiError(415, "unsupported_content_type",
                    "Set the webhook's content type to application/json (got \"" + contentType + "\").");
        }
        String event = request.header("x-github-event").orElseThrow(() ->
                ApiError.badRequest("missing_event", "X-GitHub-Event is missing."));
        String delivery = request.header("x-github-delivery").orElseThrow(() ->
                ApiError.badRequest("missing_delivery", "X-GitHub-Delivery is missing."));
        JsonNode payload = parse(body);
        Instant now = clock.instant();
        if (!store.recordDelivery(delivery, event, now)) {
            return Response.ok(Map.of("delivery", delivery, "duplicate", true));
        }
        try {
            Response response = dispatch(event, payload);
            pruneNow(now);
            return response;
        } catch (RuntimeException e) {
            store.forgetDelivery(delivery); // let GitHub's redelivery try again
            throw e;
        }
    }

    private Response dispatch(String event, JsonNode payload) {
        if (event.equals("ping")) {
            return Response.ok(Map.of("ok", true, "zen", payload.path("zen").asText(""),
                    "hookId", payload.path("hook_id").asLong()));
        }
        if (!event.equals("push") && !event.equals("pull_request")) {
            return ignored("Miaobu acts on push and pull_request events; " + event + " is ignored.");
        }
        JsonNode repository = payload.path("repository");
        List<Project> targets = projectsOf(repository.path("id").asLong(0));
        if (targets.isEmpty()) {
            return ignored("No Miaobu project deploys " + repository.path("full_name").asText("this repository") + ".");
        }
        return event.equals("push") ? push(payload, targets) : pullRequest(payload, targets);
    }

    private Response push(JsonNode payload, List<Project> targets) {
        String ref = payload.path("ref").asText("");
        if (!ref.startsWith("refs/heads/")) {
            return ignored("Only branches deploy; " + ref + " is not a branch.");
        }
        String branch = ref.substring("refs/heads/".length());
        if (payload.path("deleted").asBoolean(false)) {
            List<String> removed = new ArrayList<>();
            for (Project project : targets) {
                cancelQueued(project, branch, "The branch " + branch + " was deleted.");
                publisher.removeBranchHost(project, branch);
                removed.add(hosts.branch(branch, project.slug()));
            }
            return Response.ok(Map.of("event", "push", "branch", branch, "deleted", true, "removedHosts", removed));
        }
        String sha = payload.path("after").asText("");
        if (!SHA.matcher(sha).matches()) {
            throw ApiError.badRequest("invalid_payload", "The push payload's `after` is not a commit SHA.");
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Project project : targets) {
            Optional<String> skip = untouchedRoot(project, payload);
            if (skip.isPresent()) {
                results.add(result(project, recordSkipped(project, branch, sha, payload, skip.get()), skip.get()));
            } else {
                results.add(enqueue(project, branch, sha, pushAuthor(payload)));
            }
        }
        return Response.ok(Map.of("event", "push", "branch", branch, "commit", sha, "deployments", results));
    }

    private Response pullRequest(JsonNode payload, List<Project> targets) {
        String action = payload.path("action").asText("");
        JsonNode pr = payload.path("pull_request");
        int number = payload.path("number").asInt(pr.path("number").asInt());
        if (!PR_ACTIONS.contains(action)) {
            return ignored("Pull request #" + number + " " + action + ": nothing to deploy.");
        }
        JsonNode head = pr.path("head");
        if (head.path("repo").path("id").asLong(-1) != payload.path("repository").path("id").asLong(-2)) {
            return ignored("Pull request #" + number + " comes from a fork. Forks are not deployed automatically: "
                    + "their code would build with the project's preview settings.");
        }
        String branch = head.path("ref").asText("");
        String sha = head.path("sha").asText("");
        if (branch.isEmpty() || !SHA.matcher(sha).matches()) {
            throw ApiError.badRequest("invalid_payload", "The pull request's head has no branch or commit.");
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (Project project : targets) {
            // The push of the same commit usually arrives too: one build per commit is enough.
            Optional<Deployment> existing = deployments.listByCommit(project.id(), sha).stream()
                    .filter(d -> d.status() != DeploymentStatus.CANCELED)
                    .findFirst();
            results.add(existing.isPresent()
                    ? result(project, existing.get(), "Commit " + sha.substring(0, 7) + " is already deployed.")
                    : enqueue(project, branch, sha, null));
        }
        return Response.ok(Map.of("event", "pull_request", "number", number, "branch", branch, "commit", sha,
                "deployments", results));
    }

    /**
     * The head commit's author. The GitHub avatar is the sender's only when the sender wrote the
     * commit: whoever pushed is not always who wrote it. A pull request's head commit has no author
     * in the payload, so its deployments get the name from the build alone.
     */
    static CommitAuthor pushAuthor(JsonNode payload) {
        JsonNode author = payload.path("head_commit").path("author");
        String login = author.path("username").asText(null);
        JsonNode sender = payload.path("sender");
        String avatar = login != null && login.equalsIgnoreCase(sender.path("login").asText(""))
                ? sender.path("avatar_url").asText(null) : null;
        return CommitAuthor.of(author.path("name").asText(null), login,
                avatar != null && avatar.startsWith("https://") ? avatar : null);
    }

    private Map<String, Object> enqueue(Project project, String branch, String sha, CommitAuthor author) {
        try {
            return result(project, deploymentService.enqueueNewest(project, branch, sha, author, Deployment.BY_PUSH, null), null);
        } catch (ApiError e) {
            Map<String, Object> skipped = new LinkedHashMap<>();
            skipped.put("projectId", project.id());
            skipped.put("ignored", e.getMessage());
            return skipped;
        }
    }

    private Map<String, Object> result(Project project, Deployment d, String note) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("projectId", project.id());
        result.put("deploymentId", d.id());
        result.put("status", d.status());
        result.put("target", d.target());
        result.put("branchUrl", hosts.url(hosts.branch(d.branch(), project.slug())));
        if (note != null) {
            result.put("note", note);
        }
        return result;
    }

    /**
     * Why this push needs no build, when every pushed commit's file list is known and none touches
     * the project's root directory; empty when it must build.
     */
    private static Optional<String> untouchedRoot(Project project, JsonNode payload) {
        String root = project.rootDirectory();
        JsonNode commits = payload.path("commits");
        if (root == null || root.equals(".") || payload.path("created").asBoolean(false) || payload.path("forced").asBoolean(false)
                || !commits.isArray() || commits.isEmpty() || commits.size() >= MAX_COMMITS_TO_TRUST) {
            return Optional.empty();
        }
        String prefix = root + "/";
        for (JsonNode commit : commits) {
            for (String list : new String[] {"added", "removed", "modified"}) {
                JsonNode files = commit.path(list);
                if (!files.isArray()) {
                    return Optional.empty();
                }
                for (JsonNode file : files) {
                    if (file.asText().startsWith(prefix)) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.of("Skipped: this push changed no file under `" + root + "`, the project's root directory.");
    }

    /** A skipped push still shows up in the project's deployments, canceled, with the reason in its log. */
    private Deployment recordSkipped(Project project, String branch, String sha, JsonNode payload, String reason) {
        Instant now = clock.instant();
        Deployment skipped = new Deployment(Ids.deployment(), project.id(), DeploymentStatus.CANCELED,
                branch.equals(project.productionBranch()) ? Deployment.PRODUCTION : Deployment.PREVIEW, branch, sha,
                null, payload.path("head_commit").path("message").asText(null), reason, DeploymentStats.EMPTY, null,
                now, null, now, pushAuthor(payload), Deployment.BY_PUSH);
        deployments.insert(skipped);
        logs.append(skipped.id(), List.of(new LogLine(1, now, "system", reason)));
        return skipped;
    }

    private void cancelQueued(Project project, String branch, String reason) {
        for (Deployment d : deployments.listQueued(project.id(), branch)) {
            deployments.finish(d.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.CANCELED, reason,
                    d.stats(), clock.instant());
        }
    }

    private List<Project> projectsOf(long repositoryId) {
        if (repositoryId <= 0) {
            return List.of();
        }
        List<Project> found = new ArrayList<>();
        for (RepositoryLink link : store.linksOfRepository(repositoryId)) {
            projects.findById(link.projectId()).ifPresent(found::add);
        }
        return found;
    }

    private void pruneNow(Instant now) {
        if (Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) > 0) {
            lastPrune = now;
            store.pruneDeliveries(now.minus(KEEP_DELIVERIES));
        }
    }

    private static Response ignored(String reason) {
        return Response.json(202, Map.of("ignored", reason));
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiError.badRequest("invalid_payload", "The webhook payload is not a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw ApiError.badRequest("invalid_payload", "The webhook payload is not valid JSON.");
        }
    }
}
