package io.miaobu.github;

import java.time.Instant;

/**
 * A project built from a GitHub repository: the repository's stable id (webhooks name it; it
 * survives renames), its name when imported, and the webhook Miaobu created or reused there.
 */
public record RepositoryLink(String projectId, long repositoryId, String fullName, Long hookId, Instant createdAt) {}
