package io.miaobu.testkit;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.projects.Project;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Rows for store tests. Times are truncated to microseconds, PostgreSQL's timestamptz precision. */
public final class StoreFixtures {
    private StoreFixtures() {}

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    public static String id(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A random SHA-256 in lowercase hex, as the stores keep digests and token hashes. */
    public static String sha256() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    }

    public static Project project(String ownerId, Instant createdAt) {
        String id = id("prj");
        return new Project(id, ownerId, "Site " + id, "site-" + id.substring(4), "https://github.com/acme/" + id + ".git",
                "acme/" + id, "main", null, null, "npm run build", "dist", true, null, createdAt, createdAt);
    }

    /** A QUEUED production deployment of {@code main}, started by hand. */
    public static Deployment deployment(String projectId, Instant createdAt) {
        return deployment(projectId, "main", createdAt);
    }

    public static Deployment deployment(String projectId, String branch, Instant createdAt) {
        return new Deployment(id("dpl"), projectId, DeploymentStatus.QUEUED, Deployment.PRODUCTION, branch,
                null, null, null, null, null, null, createdAt, null, null, null, Deployment.BY_MANUAL);
    }
}
