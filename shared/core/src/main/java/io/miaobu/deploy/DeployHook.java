package io.miaobu.deploy;

import java.time.Instant;

/**
 * A secret URL that deploys the head of {@code branch} when POSTed to. Only the token's SHA-256 is
 * stored: the URL is shown once, when the hook is created.
 */
public record DeployHook(String id, String projectId, String name, String branch, String tokenHash, Instant createdAt) {}
