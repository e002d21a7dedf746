package io.miaobu.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainStatus;
import io.miaobu.domains.DomainStore;
import io.miaobu.projects.Project;
import io.miaobu.testkit.DomainStoreContract;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The DomainStore contract on PostgreSQL, plus what the table adds (domains go with their project). */
class PostgresDomainStoreTest extends DomainStoreContract {
    @RegisterExtension
    static final FreshDatabase database = new FreshDatabase();

    @Override
    protected DomainStore domains() {
        return database.get().domains();
    }

    @Override
    protected String newProjectId() {
        return Fixtures.projectId(database.get());
    }

    @Test
    void deleting_the_project_frees_its_hostnames_for_others() {
        PostgresDatabase db = database.get();
        Project p = Fixtures.project(db, Fixtures.user(db).id());
        Instant t = Fixtures.now();
        Domain d = new Domain(Fixtures.id("dom"), p.id(), "shop.example.net", false, DomainStatus.ACTIVE, null, "tok",
                List.of(), 0, null, null, null, null, null, null, null, 0, t, t);
        db.domains().insert(d);

        db.projects().delete(p.id());

        assertThat(db.domains().findById(d.id())).isEmpty();
        assertThat(db.domains().findByHostname("shop.example.net")).isEmpty();
    }
}
