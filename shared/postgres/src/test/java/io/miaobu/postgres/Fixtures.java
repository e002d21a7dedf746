package io.miaobu.postgres;

import io.miaobu.auth.User;
import io.miaobu.deploy.Deployment;
import io.miaobu.projects.Project;
import io.miaobu.testkit.StoreFixtures;
import java.time.Instant;

/** Test data stored in PostgreSQL (see {@link StoreFixtures} for the rows themselves). */
final class Fixtures {
    private Fixtures() {}

    static Instant now() {
        return StoreFixtures.now();
    }

    static String id(String prefix) {
        return StoreFixtures.id(prefix);
    }

    static User user(PostgresDatabase db) {
        String id = id("usr");
        User user = new User(id, id + "@example.com", "$2a$10$hash", now());
        db.users().insert(user);
        return user;
    }

    static Project project(String ownerId, Instant createdAt) {
        return StoreFixtures.project(ownerId, createdAt);
    }

    static Project project(PostgresDatabase db, String ownerId) {
        Project p = project(ownerId, now());
        db.projects().insert(p);
        return p;
    }

    /** A new project of a new user, stored: what a store's rows may belong to. */
    static String projectId(PostgresDatabase db) {
        return project(db, user(db).id()).id();
    }

    static Deployment deployment(String projectId, Instant createdAt) {
        return StoreFixtures.deployment(projectId, createdAt);
    }

    static Deployment deployment(PostgresDatabase db, String projectId) {
        Deployment d = deployment(projectId, now());
        db.deployments().insert(d);
        return d;
    }
}
