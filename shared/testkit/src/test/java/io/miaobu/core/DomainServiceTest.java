package io.miaobu.core;

import static io.miaobu.domains.DomainStatus.ACTIVE;
import static io.miaobu.domains.DomainStatus.ERROR;
import static io.miaobu.domains.DomainStatus.PENDING_DNS;
import static io.miaobu.domains.DomainStatus.VERIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.miaobu.auth.User;
import io.miaobu.domains.DnsRecord;
import io.miaobu.domains.Domain;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.memory.InMemoryCore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DomainService and the scheduler's DomainJobs on in-memory adapters, with a DNS zone the test edits as
 * a domain's owner would: adding, verifying, and claims that cannot be squatted (adding a hostname holds
 * nothing; the first claim whose DNS proves it gets it, and the others are told why).
 */
class DomainServiceTest {
    private static final String HOST = "www.example.net";

    final InMemoryCore core = new InMemoryCore();
    final User owner = core.user();
    final Project shop = project(owner, "Shop");

    private Project project(User user, String name) {
        return core.projects.create(user, new NewProject(name, null, null, null, null, null, null, null, null));
    }

    private Domain add(User user, Project project) {
        return core.domains.add(user, project.id(), HOST, core.hosts.baseDomain());
    }

    /** The owner of the name points it at the edge and publishes the TXT value of {@code claims}. */
    private void ownerProves(Domain... claims) {
        core.dns.set("CNAME", HOST, "edge.miaobu.test");
        core.dns.set("TXT", "_miaobu." + HOST, java.util.Arrays.stream(claims).map(Domain::txtValue).toArray(String[]::new));
    }

    /** The owner's domain, proven and put on the edge by the scheduler. */
    private Domain live() {
        Domain owned = add(owner, shop);
        ownerProves(owned);
        core.domains.verify(owner, owned.id());
        core.domainJobs.run();
        assertThat(stored(owned).status()).isEqualTo(ACTIVE);
        return owned;
    }

    private Domain stored(Domain d) {
        return core.domainStore.findById(d.id()).orElseThrow();
    }


    @Test
    void a_new_subdomain_waits_for_a_cname_to_the_edge_and_the_txt_token() {
        Domain d = add(owner, shop);

        assertThat(d.status()).isEqualTo(PENDING_DNS);
        assertThat(d.apex()).isFalse();
        assertThat(d.dnsRecords()).containsExactly(
                new DnsRecord("CNAME", HOST, "edge.miaobu.test", "routing", null, null),
                new DnsRecord("TXT", "_miaobu." + HOST, d.txtValue(), "ownership", null, null));
        assertThat(d.nextCheckAt()).isEqualTo(core.clock.instant().plusSeconds(30));
        assertThat(core.domains.list(owner, shop.id())).containsExactly(d);
    }

    @Test
    void an_apex_domain_asks_for_the_edges_addresses() {
        Domain d = core.domains.add(owner, shop.id(), " Example.NET. ", core.hosts.baseDomain());

        assertThat(d.hostname()).isEqualTo("example.net");
        assertThat(d.apex()).isTrue();
        assertThat(d.dnsRecords()).first().isEqualTo(new DnsRecord("A", "example.net", "203.0.113.10", "routing", null, null));
    }

    @Test
    void a_name_under_the_platforms_own_domain_or_no_name_at_all_is_refused_saying_why() {
        ApiError own = catchThrowableOfType(ApiError.class, () -> core.domains.add(owner, shop.id(), "shop.miaobu.test", core.hosts.baseDomain()));
        assertThat(own.status()).isEqualTo(400);
        assertThat(own.getMessage()).contains("under this platform's own domain");

        ApiError url = catchThrowableOfType(ApiError.class, () -> core.domains.add(owner, shop.id(), "https://www.example.net/", core.hosts.baseDomain()));
        assertThat(url.status()).isEqualTo(400);
        assertThat(url.getMessage()).contains("without scheme, port or path");
        assertThat(core.domainStore.listByProject(shop.id())).isEmpty();
    }

    @Test
    void verifying_without_the_records_says_which_one_is_missing_and_checks_again_later() {
        Domain d = add(owner, shop);
        core.dns.set("CNAME", HOST, "edge.miaobu.test");
        core.clock.advance(Duration.ofSeconds(5));

        Domain checked = core.domains.verify(owner, d.id());

        assertThat(checked.status()).isEqualTo(PENDING_DNS);
        assertThat(checked.message()).contains("_miaobu." + HOST);
        assertThat(checked.dnsRecords()).extracting(DnsRecord::status).containsExactly(DnsRecord.OK, DnsRecord.MISSING);
        assertThat(checked.nextCheckAt()).isEqualTo(core.clock.instant().plusSeconds(30));
        assertThat(stored(d)).isEqualTo(checked);
        assertThat(core.wakes).hasValue(0);
    }

    @Test
    void a_failing_resolver_is_reported_on_the_record_and_never_counts_as_proof() {
        Domain d = add(owner, shop);
        ownerProves(d);
        core.dns.fail("_miaobu." + HOST);

        Domain checked = core.domains.verify(owner, d.id());

        assertThat(checked.status()).isEqualTo(PENDING_DNS);
        assertThat(checked.dnsRecords().get(1).found()).startsWith("lookup failed");
    }

    @Test
    void a_verified_domain_wakes_the_scheduler_which_puts_it_on_the_edge() {
        Domain d = add(owner, shop);
        ownerProves(d);

        assertThat(core.domains.verify(owner, d.id()).status()).isEqualTo(VERIFIED);
        assertThat(core.wakes).hasValue(1);

        core.domainJobs.run();
        assertThat(stored(d).status()).isEqualTo(ACTIVE);
        assertThat(core.edgeHostnames.calls).containsExactly("attach " + HOST);
    }

    @Test
    void the_scheduler_verifies_a_pending_domain_once_its_records_appear() {
        Domain d = add(owner, shop);
        core.domainJobs.run();
        assertThat(stored(d).status()).isEqualTo(PENDING_DNS); // not due yet

        core.clock.advance(Duration.ofSeconds(30));
        core.domainJobs.run();
        Domain rechecked = stored(d);
        assertThat(rechecked.status()).isEqualTo(PENDING_DNS);
        assertThat(rechecked.checkAttempts()).isOne();
        assertThat(rechecked.nextCheckAt()).isEqualTo(core.clock.instant().plusSeconds(60));

        ownerProves(d);
        core.clock.advance(Duration.ofSeconds(60));
        core.domainJobs.run();
        assertThat(stored(d).status()).isEqualTo(ACTIVE);
        assertThat(core.edgeHostnames.calls).containsExactly("attach " + HOST);
    }

    @Test
    void someone_elses_domain_is_not_found() {
        Domain d = add(owner, shop);
        User stranger = core.user();

        for (Runnable call : List.<Runnable>of(() -> core.domains.owned(stranger, d.id()),
                () -> core.domains.verify(stranger, d.id()), () -> core.domains.delete(stranger, d.id()))) {
            assertThat(catchThrowableOfType(ApiError.class, call::run).status()).isEqualTo(404);
        }
        assertThat(stored(d)).isEqualTo(d);
    }

    @Test
    void a_squatters_pending_claim_does_not_block_the_owner_who_proves_the_name_and_the_squatter_is_told_why() {
        User squatter = core.user();
        Domain squatted = add(squatter, project(squatter, "Squat"));
        Domain owned = add(owner, shop);
        ownerProves(owned);

        assertThat(core.domains.verify(owner, owned.id()).status()).isEqualTo(VERIFIED);

        Domain lost = core.domains.owned(squatter, squatted.id());
        assertThat(lost.status()).isEqualTo(ERROR);
        assertThat(lost.message()).contains("Another project proved it controls " + HOST + " first");
        Domain again = core.domains.verify(squatter, squatted.id());
        assertThat(again.status()).isEqualTo(ERROR);
        assertThat(again.message()).contains("theirs");
    }

    @Test
    void a_proven_claim_keeps_everybody_else_out() {
        Domain owned = add(owner, shop);
        ownerProves(owned);
        core.domains.verify(owner, owned.id());

        User late = core.user();
        Project lateProject = project(late, "Late");
        ApiError refused = catchThrowableOfType(ApiError.class, () -> add(late, lateProject));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("domain_taken");
        assertThat(refused.getMessage()).contains("already verified by another project");
        assertThat(core.domainStore.listByProject(lateProject.id())).isEmpty();
    }

    @Test
    void when_two_claims_could_both_prove_the_name_the_first_to_verify_wins() {
        User second = core.user();
        Domain a = add(owner, shop);
        Domain b = add(second, project(second, "Second"));
        ownerProves(a, b);

        assertThat(core.domains.verify(owner, a.id()).status()).isEqualTo(VERIFIED);
        Domain loser = core.domains.verify(second, b.id());
        assertThat(loser.status()).isEqualTo(ERROR);
        assertThat(loser.message()).contains("first");
    }

    @Test
    void removing_a_losing_claim_leaves_the_owners_live_domain_on_the_edge() {
        User squatter = core.user();
        Domain squatted = add(squatter, project(squatter, "Squat"));
        Domain owned = live();

        core.domains.delete(squatter, squatted.id());

        assertThat(core.edgeHostnames.calls).containsExactly("attach " + HOST);
        assertThat(stored(owned).status()).isEqualTo(ACTIVE);
        assertThat(core.domainStore.findById(squatted.id())).isEmpty();
    }

    @Test
    void removing_a_live_domain_takes_it_off_the_edge() {
        Domain owned = live();

        core.domains.delete(owner, owned.id());

        assertThat(core.edgeHostnames.calls).containsExactly("attach " + HOST, "detach " + HOST);
        assertThat(core.domains.list(owner, shop.id())).isEmpty();
    }

    @Test
    void a_project_claims_a_name_once() {
        add(owner, shop);
        ApiError twice = catchThrowableOfType(ApiError.class, () -> add(owner, shop));

        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.getMessage()).contains("already added to this project");
        assertThat(core.domains.list(owner, shop.id())).hasSize(1);
    }
}
