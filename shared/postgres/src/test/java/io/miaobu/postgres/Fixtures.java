package io.miaobu.postgres;

import io.miaobu.auth.User;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.projects.Project;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Test data. Times are truncated to microseconds, PostgreSQL's timestamptz precision. */
final class Fixtures {
    private Fixtures() {}

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static String id(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static User user(PostgresDatabase db) {
        String id = id("usr");
        User user = new User(id, id + "@example.com", "$2a$10$hash", now());
        db.users().insert(user);
        return user;
    }

    static Project project(String ownerId, Instant createdAt) {
        String id = id("prj");
        return new Project(id, ownerId, "Site " + id, "site-" + id.substring(4), "https://github.com/acme/" + id + ".git",
                "acme/" + id, "main", null, null, "npm run build", "dist", true, null, createdAt, createdAt);
    }

    static Project project(PostgresDatabase db, String ownerId) {
        Project p = project(ownerId, now());
        db.projects().insert(p);
        return p;
    }

    static Deployment deployment(String projectId, Instant createdAt) {
        return new Deployment(id("dpl"), projectId, DeploymentStatus.QUEUED, Deployment.PRODUCTION, "main",
                null, null, null, null, null, null, createdAt, null, null, null, Deployment.BY_MANUAL);
    }

    static Deployment deployment(PostgresDatabase db, String projectId) {
        Deployment d = deployment(projectId, now());
        db.deployments().insert(d);
        return d;
    }
}
