package io.miaobu.testkit;

import static io.miaobu.domains.DomainStatus.ACTIVE;
import static io.miaobu.domains.DomainStatus.ERROR;
import static io.miaobu.domains.DomainStatus.ISSUING;
import static io.miaobu.domains.DomainStatus.PENDING_DNS;
import static io.miaobu.domains.DomainStatus.VERIFIED;
import static io.miaobu.testkit.StoreFixtures.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.domains.DnsRecord;
import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainStatus;
import io.miaobu.domains.DomainStore;
import io.miaobu.store.DuplicateKeyException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every DomainStore does: PostgreSQL's and the in-memory one the core's unit tests use. Any
 * number of projects may claim a hostname, each once; only one claim can be proven (VERIFIED, ISSUING
 * or ACTIVE), so a squatter never holds a hostname by adding it first. Every write is conditional
 * (on the status, or on next_check_at for the scheduler), so concurrent ticks and requests get one winner.
 */
public abstract class DomainStoreContract {
    protected abstract DomainStore domains();

    /** The id of a new project domains may belong to (a real row where the store needs one). */
    protected abstract String newProjectId();

    private String projectId;

    @BeforeEach
    void newProject() {
        projectId = newProjectId();
    }

    private static String newHostname() {
        return StoreFixtures.id("www").replace('_', '-') + ".example.org";
    }

    /** A fresh claim as DomainService makes one: waiting for DNS, first check due at once. */
    private static Domain claim(String project, String hostname, Instant createdAt) {
        List<DnsRecord> records = List.of(
                new DnsRecord("CNAME", hostname, "edge.miaobu.test", "routing", null, null),
                new DnsRecord("TXT", "_miaobu." + hostname, "miaobu-verify=tok", "ownership", null, null));
        return new Domain(StoreFixtures.id("dom"), project, hostname, false, PENDING_DNS, null,
                StoreFixtures.id("tok"), records, 0, null, createdAt, null, null, null, null, null, 0, createdAt, createdAt);
    }

    private Domain inserted(String project, String hostname, Instant createdAt) {
        Domain d = claim(project, hostname, createdAt);
        domains().insert(d);
        return d;
    }

    private Domain inserted() {
        return inserted(projectId, newHostname(), now());
    }

    private static Domain withStatus(Domain d, DomainStatus status, Instant at) {
        return new Domain(d.id(), d.projectId(), d.hostname(), d.apex(), status, d.message(), d.token(), d.dnsRecords(),
                d.checkAttempts(), d.lastCheckedAt(), d.nextCheckAt(), d.certStatus(), d.certIssuer(), d.certNotBefore(),
                d.certNotAfter(), d.renewAfter(), d.renewAttempts(), d.createdAt(), at);
    }

    private static Domain nextCheckAt(Domain d, Instant next) {
        return new Domain(d.id(), d.projectId(), d.hostname(), d.apex(), d.status(), d.message(), d.token(),
                d.dnsRecords(), d.checkAttempts(), d.lastCheckedAt(), next, d.certStatus(), d.certIssuer(),
                d.certNotBefore(), d.certNotAfter(), d.renewAfter(), d.renewAttempts(), d.createdAt(), d.updatedAt());
    }

    @Test
    void a_claim_round_trips_with_its_dns_records() {
        Domain d = inserted();

        assertThat(domains().findById(d.id())).contains(d);
        assertThat(domains().findById("dom_missing")).isEmpty();
    }

    @Test
    void a_new_claim_starts_with_no_checks_certificate_or_renewals() {
        Instant t = now();
        Domain fresh = claim(projectId, newHostname(), t);
        Domain asGiven = new Domain(fresh.id(), projectId, fresh.hostname(), true, PENDING_DNS, "Add the records",
                fresh.token(), fresh.dnsRecords(), 5, t, t, "ACTIVE", "R3", t, t, t, 2, t, t);
        domains().insert(asGiven);

        assertThat(domains().findById(fresh.id())).contains(new Domain(fresh.id(), projectId, fresh.hostname(), true,
                PENDING_DNS, "Add the records", fresh.token(), fresh.dnsRecords(), 0, null, t, null, null, null, null,
                null, 0, t, t));
    }

    @Test
    void a_project_claims_a_hostname_once_but_other_projects_may_claim_it_too() {
        Domain first = inserted();
        Domain again = claim(projectId, first.hostname(), now());

        assertThatThrownBy(() -> domains().insert(again)).isInstanceOf(DuplicateKeyException.class);
        assertThat(domains().findById(again.id())).isEmpty();

        Domain rival = inserted(newProjectId(), first.hostname(), now());
        assertThat(domains().findById(rival.id())).contains(rival);
    }

    @Test
    void inserting_the_same_id_twice_is_a_duplicate() {
        Domain d = inserted();
        Domain sameId = claim(newProjectId(), newHostname(), now());
        Domain clash = new Domain(d.id(), sameId.projectId(), sameId.hostname(), false, PENDING_DNS, null, sameId.token(),
                sameId.dnsRecords(), 0, null, null, null, null, null, null, null, 0, sameId.createdAt(), sameId.updatedAt());

        assertThatThrownBy(() -> domains().insert(clash)).isInstanceOf(DuplicateKeyException.class);
        assertThat(domains().findById(d.id())).contains(d);
    }

    @Test
    void only_one_claim_of_a_hostname_can_be_proven() {
        Domain mine = inserted();
        Domain theirs = inserted(newProjectId(), mine.hostname(), now());
        assertThat(domains().findByHostname(mine.hostname())).isEmpty();

        Domain verified = withStatus(mine, VERIFIED, now());
        assertThat(domains().update(verified, Set.of(PENDING_DNS))).isTrue();
        assertThat(domains().findByHostname(mine.hostname())).contains(verified);

        assertThatThrownBy(() -> domains().update(withStatus(theirs, VERIFIED, now()), Set.of(PENDING_DNS)))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(domains().findById(theirs.id())).contains(theirs);
    }

    @Test
    void a_proven_hostname_is_found_while_issuing_and_active_but_not_after_an_error() {
        Domain d = inserted();
        for (DomainStatus status : List.of(VERIFIED, ISSUING, ACTIVE)) {
            Domain moved = withStatus(domains().findById(d.id()).orElseThrow(), status, now());
            domains().update(moved, Set.of(PENDING_DNS, VERIFIED, ISSUING));
            assertThat(domains().findByHostname(d.hostname())).contains(moved);
        }
        domains().update(withStatus(d, ERROR, now()), Set.of(ACTIVE));
        assertThat(domains().findByHostname(d.hostname())).isEmpty();
    }

    @Test
    void the_winner_supersedes_every_claim_still_waiting_for_dns() {
        Domain winner = inserted();
        Domain waiting = inserted(newProjectId(), winner.hostname(), now());
        Domain alsoWaiting = inserted(newProjectId(), winner.hostname(), now());
        Domain failedBefore = inserted(newProjectId(), winner.hostname(), now());
        domains().update(withStatus(failedBefore, ERROR, failedBefore.updatedAt()), Set.of(PENDING_DNS));
        Domain elsewhere = inserted(newProjectId(), newHostname(), now());
        domains().update(withStatus(winner, VERIFIED, now()), Set.of(PENDING_DNS));
        Instant at = now().plusSeconds(5);

        assertThat(domains().supersede(winner.hostname(), winner.id(), "Another project proved it", at)).isEqualTo(2);

        for (Domain loser : List.of(waiting, alsoWaiting)) {
            Domain stored = domains().findById(loser.id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(ERROR);
            assertThat(stored.message()).isEqualTo("Another project proved it");
            assertThat(stored.nextCheckAt()).isNull();
            assertThat(stored.updatedAt()).isEqualTo(at);
        }
        assertThat(domains().findById(failedBefore.id()).orElseThrow().message()).isNull();
        assertThat(domains().findById(winner.id()).orElseThrow().status()).isEqualTo(VERIFIED);
        assertThat(domains().findById(elsewhere.id())).contains(elsewhere);
        assertThat(domains().supersede(winner.hostname(), winner.id(), "again", at)).isZero();
    }

    @Test
    void a_projects_domains_list_oldest_first_then_by_hostname() {
        Instant t = now();
        Domain later = inserted(projectId, "b-" + newHostname(), t.plusSeconds(1));
        Domain sameTimeB = inserted(projectId, "b-" + newHostname(), t);
        Domain sameTimeA = inserted(projectId, "a-" + newHostname(), t);
        inserted(newProjectId(), newHostname(), t);

        assertThat(domains().listByProject(projectId)).containsExactly(sameTimeA, sameTimeB, later);
        assertThat(domains().listByProject(newProjectId())).isEmpty();
    }

    @Test
    void due_domains_come_oldest_check_first_limited_and_never_without_a_check_time() {
        Instant now = now().plusSeconds(3600 * 24 * 365 * 50L); // past every other test's checks
        Domain dueLast = inserted();
        Domain dueFirst = inserted();
        Domain dueNow = inserted();
        Domain notYet = inserted();
        Domain never = inserted();
        domains().update(nextCheckAt(dueLast, now.minusSeconds(10)), Set.of(PENDING_DNS));
        domains().update(nextCheckAt(dueFirst, now.minusSeconds(20)), Set.of(PENDING_DNS));
        domains().update(nextCheckAt(dueNow, now), Set.of(PENDING_DNS));
        domains().update(nextCheckAt(notYet, now.plusSeconds(1)), Set.of(PENDING_DNS));
        domains().update(nextCheckAt(never, null), Set.of(PENDING_DNS));

        List<String> due = domains().listDue(now, 1000).stream().map(Domain::id).toList();
        assertThat(due).containsSubsequence(dueFirst.id(), dueLast.id(), dueNow.id()).doesNotContain(notYet.id(), never.id());
        assertThat(domains().listDue(now, 2)).hasSize(2);
    }

    @Test
    void active_hostnames_are_the_projects_active_domains_by_name() {
        Domain b = inserted(projectId, "b-" + newHostname(), now());
        Domain a = inserted(projectId, "a-" + newHostname(), now());
        Domain verifiedOnly = inserted();
        Domain others = inserted(newProjectId(), newHostname(), now());
        for (Domain d : List.of(b, a, others)) {
            domains().update(withStatus(d, ACTIVE, now()), Set.of(PENDING_DNS));
        }
        domains().update(withStatus(verifiedOnly, VERIFIED, now()), Set.of(PENDING_DNS));

        assertThat(domains().activeHostnames(projectId)).containsExactly(a.hostname(), b.hostname());
        assertThat(domains().activeHostnames(newProjectId())).isEmpty();
    }

    @Test
    void an_update_writes_every_mutable_field_but_never_the_claim_itself() {
        Domain d = inserted();
        Instant t = now().plusSeconds(60);
        List<DnsRecord> checked = List.of(new DnsRecord("CNAME", d.hostname(), "edge.miaobu.test", "routing", "OK",
                "edge.miaobu.test"), new DnsRecord("TXT", "_miaobu." + d.hostname(), "miaobu-verify=tok", "ownership",
                "WRONG", "miaobu-verify=other, v=spf1"));
        Domain changed = new Domain(d.id(), newProjectId(), d.hostname(), true, ACTIVE, "Certificate issued",
                "another-token", checked, 3, t, t.plusSeconds(30), "ACTIVE", "Let's Encrypt R11", t,
                t.plusSeconds(86_400 * 90), t.plusSeconds(86_400 * 60), 1, t, t);

        assertThat(domains().update(changed, Set.of(PENDING_DNS))).isTrue();

        assertThat(domains().findById(d.id())).contains(new Domain(d.id(), d.projectId(), d.hostname(), d.apex(), ACTIVE,
                "Certificate issued", d.token(), checked, 3, t, t.plusSeconds(30), "ACTIVE", "Let's Encrypt R11", t,
                t.plusSeconds(86_400 * 90), t.plusSeconds(86_400 * 60), 1, d.createdAt(), t));
    }

    @Test
    void an_update_from_a_status_the_domain_is_not_in_changes_nothing() {
        Domain d = inserted();

        assertThat(domains().update(withStatus(d, ACTIVE, now()), Set.of(VERIFIED, ISSUING))).isFalse();
        assertThat(domains().findById(d.id())).contains(d);
        domains().delete(d.id());
        assertThat(domains().update(withStatus(d, ACTIVE, now()), Set.of(PENDING_DNS))).isFalse();
        assertThat(domains().findById(d.id())).isEmpty();
    }

    @Test
    void one_scheduler_tick_among_concurrent_ones_claims_a_due_domain() throws Exception {
        Domain d = inserted();
        Instant next = d.nextCheckAt().plusSeconds(120);

        assertThat(Races.winners(() -> domains().claim(d.id(), d.nextCheckAt(), next))).isOne();
        assertThat(domains().findById(d.id()).orElseThrow().nextCheckAt()).isEqualTo(next);
    }

    @Test
    void a_claim_from_a_check_time_the_domain_no_longer_has_fails() {
        Domain d = inserted();
        Domain unscheduled = inserted();
        domains().update(nextCheckAt(unscheduled, null), Set.of(PENDING_DNS));

        assertThat(domains().claim(d.id(), d.nextCheckAt().minusSeconds(1), now())).isFalse();
        assertThat(domains().claim(unscheduled.id(), null, now())).isFalse();
        assertThat(domains().claim("dom_missing", now(), now())).isFalse();
        assertThat(domains().findById(d.id())).contains(d);
        assertThat(domains().findById(unscheduled.id()).orElseThrow().nextCheckAt()).isNull();
    }

    @Test
    void a_deleted_domain_is_gone_and_deleting_it_again_says_so() {
        Domain d = inserted();

        assertThat(domains().delete(d.id())).isTrue();
        assertThat(domains().findById(d.id())).isEmpty();
        assertThat(domains().listByProject(projectId)).isEmpty();
        assertThat(domains().delete(d.id())).isFalse();
    }

    @Test
    void the_first_account_key_saved_for_a_ca_is_the_one_kept() {
        String directory = "https://acme.example/" + StoreFixtures.id("dir");
        assertThat(domains().accountKey(directory)).isEmpty();

        assertThat(domains().saveAccountKey(directory, "v1.first", now())).isEqualTo("v1.first");
        assertThat(domains().saveAccountKey(directory, "v1.second", now())).isEqualTo("v1.first");
        assertThat(domains().accountKey(directory)).contains("v1.first");
        assertThat(domains().accountKey("https://acme.example/other-" + directory.hashCode())).isEmpty();
    }
}
