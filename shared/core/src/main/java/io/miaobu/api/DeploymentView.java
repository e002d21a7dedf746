package io.miaobu.api;

import io.miaobu.deploy.CommitAuthor;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.Initiator;
import io.miaobu.edge.Hosts;
import io.miaobu.projects.Project;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A deployment as its owner sees it: state, commit, who started it and its addresses; never where its
 * functions run.
 *
 * @param commit      the built commit, or the one asked for before the build resolved it
 * @param triggeredBy the signed-in user who started it, as they were named then; never their id or email
 * @param url         its own address; null once FAILED or CANCELED, which have no files to serve
 * @param branchUrl   a preview branch's address, which serves its newest ready deployment
 * @param functions   how many functions it runs, a web app counting as one
 */
@ApiSchema("Deployment")
public record DeploymentView(
        String id,
        String projectId,
        DeploymentStatus status,
        String target,
        @Nullable String branch,
        @Nullable String commit,
        @Nullable String commitMessage,
        @Nullable Author author,
        @Nullable String trigger,
        @Nullable TriggeredBy triggeredBy,
        @Nullable String hookName,
        @Nullable String url,
        @Nullable String branchUrl,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant readyAt,
        @Nullable Instant finishedAt,
        @Nullable String error,
        boolean live,
        @Nullable Stats stats,
        int functions) {

    /** Who wrote the commit: the Git author's name, and the GitHub account when a push told us. */
    public record Author(@Nullable String name, @Nullable String login, @Nullable String avatarUrl) {}

    public record TriggeredBy(String login, @Nullable String avatarUrl) {}

    /** What it holds, and how much of it had to be stored (the rest was reused). */
    public record Stats(long files, long bytes, long uploadedFiles, long uploadedBytes) {}

    public static DeploymentView of(Project project, Deployment d, Hosts hosts) {
        Initiator by = d.initiator();
        boolean servable = d.status() != DeploymentStatus.FAILED && d.status() != DeploymentStatus.CANCELED;
        return new DeploymentView(
                d.id(),
                d.projectId(),
                d.status(),
                d.target(),
                d.branch(),
                d.commitSha() != null ? d.commitSha() : d.requestedCommit(),
                d.commitMessage(),
                author(d.author()),
                d.trigger(),
                by != null && by.isUser() ? new TriggeredBy(by.login(), by.avatarUrl()) : null,
                by == null ? null : by.hookName(),
                servable ? hosts.url(hosts.deployment(d.id(), project.slug())) : null,
                Deployment.PREVIEW.equals(d.target()) && d.branch() != null
                        ? hosts.url(hosts.branch(d.branch(), project.slug())) : null,
                d.createdAt(),
                d.startedAt(),
                d.status() == DeploymentStatus.READY ? d.finishedAt() : null,
                d.finishedAt(),
                d.error(),
                d.id().equals(project.liveDeploymentId()),
                stats(d.stats()),
                d.functions() == null ? 0 : d.functions().functions().size() + (d.functions().app() == null ? 0 : 1));
    }

    private static @Nullable Author author(@Nullable CommitAuthor a) {
        return a == null ? null : new Author(a.name(), a.login(), a.avatarUrl());
    }

    private static @Nullable Stats stats(@Nullable DeploymentStats s) {
        return s == null ? null : new Stats(s.files(), s.bytes(), s.uploadedFiles(), s.uploadedBytes());
    }
}
