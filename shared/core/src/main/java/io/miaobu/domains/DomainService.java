package io.miaobu.domains;

import io.miaobu.Ids;
import io.miaobu.auth.User;
import io.miaobu.config.DomainSettings;
import io.miaobu.deploy.Publisher;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService;
import io.miaobu.store.DuplicateKeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/** Adding, checking and removing a project's custom domains, always on behalf of the project's owner. */
public final class DomainService {
    private final DomainStore store;
    private final ProjectService projects;
    private final Publisher publisher;
    private final DnsCheck dns;
    private final DomainPorts ports;
    private final DomainSettings settings;
    private final Clock clock;

    public DomainService(DomainStore store, ProjectService projects, Publisher publisher, DomainPorts ports,
                         DomainSettings settings, Clock clock) {
        this.store = store;
        this.projects = projects;
        this.publisher = publisher;
        this.dns = new DnsCheck(ports.dns(), settings.edgeTarget(), settings.apexAddresses());
        this.ports = ports;
        this.settings = settings;
        this.clock = clock;
    }

    DnsCheck dnsCheck() {
        return dns;
    }

    public Domain add(User user, String projectId, String hostname, String baseDomain) {
        Project project = projects.owned(user, projectId);
        Hostnames.Checked checked = Hostnames.check(hostname, baseDomain, settings.alidns());
        if (checked.apex() && settings.apexAddresses().isEmpty()) {
            throw ApiError.invalid("invalid_hostname", "hostname", checked.hostname() + " is an apex domain, and this Miaobu has no"
                    + " addresses for apex domains (MIAOBU_APEX_ADDRESSES); add a subdomain such as www." + checked.hostname() + ".");
        }
        // Adding claims nothing: only a claim whose DNS proved the name (the TXT token) keeps others out, so
        // nobody can hold a name by adding it first.
        if (store.findByHostname(checked.hostname()).filter(owner -> !owner.projectId().equals(project.id())).isPresent()) {
            throw ApiError.conflict("domain_taken", checked.hostname() + " is already verified by another project: its DNS"
                    + " records prove it. If the name is yours, point its records at your project and contact the"
                    + " platform's operator.");
        }
        Instant now = clock.instant();
        String token = Ids.token(24).substring(1);
        Domain domain = new Domain("dom_" + Ids.token(15).substring(1), project.id(), checked.hostname(), checked.apex(),
                DomainStatus.PENDING_DNS, null, token, dns.expected(checked.hostname(), checked.apex(), token), 0, null,
                now.plus(backoff(0)), null, null, null, null, null, 0, now, now);
        try {
            store.insert(domain);
        } catch (DuplicateKeyException e) {
            throw ApiError.conflict("domain_taken", checked.hostname() + " is already added to this project.");
        }
        return domain;
    }

    public List<Domain> list(User user, String projectId) {
        return store.listByProject(projects.owned(user, projectId).id());
    }

    /** The caller's domain; someone else's is indistinguishable from a missing one (404). */
    public Domain owned(User user, String domainId) {
        Domain d = store.findById(domainId).orElseThrow(() -> ApiError.notFound("Domain " + domainId));
        try {
            projects.owned(user, d.projectId());
        } catch (ApiError e) {
            throw ApiError.notFound("Domain " + domainId);
        }
        return d;
    }

    /** Checks DNS now; a domain whose records are right moves to VERIFIED and its certificate is asked for. */
    public Domain verify(User user, String domainId) {
        Domain d = owned(user, domainId);
        Instant now = clock.instant();
        if (store.findByHostname(d.hostname()).filter(owner -> !owner.id().equals(d.id())).isPresent()) {
            Domain lost = d.withNextCheck(null).withStatus(DomainStatus.ERROR, takenBy(d.hostname()), now);
            return store.update(lost, EnumSet.of(d.status())) ? lost : owned(user, domainId);
        }
        List<DnsRecord> records = dns.check(d.dnsRecords());
        String problem = DnsCheck.problem(records);
        Domain next;
        if (d.status() == DomainStatus.PENDING_DNS || d.status() == DomainStatus.ERROR) {
            next = problem == null
                    ? d.withChecks(records, 0, now, now).withStatus(DomainStatus.VERIFIED, null, now)
                    : d.withChecks(records, 0, now, now.plus(backoff(0))).withStatus(DomainStatus.PENDING_DNS, problem, now);
        } else {
            // Past verification the records are only shown: writing now could put back certificate
            // fields a renewal running at this moment is replacing.
            return d.withChecks(records, d.checkAttempts(), now, d.nextCheckAt());
        }
        Domain stored = next.status() == DomainStatus.VERIFIED ? storeVerified(next, d.status(), now)
                : store.update(next, EnumSet.of(d.status())) ? next : null;
        if (stored == null) {
            return owned(user, domainId); // changed meanwhile (the scheduler got there first): show that
        }
        if (stored.status() == DomainStatus.VERIFIED) {
            ports.wake().run();
        }
        return stored;
    }

    /**
     * Stores a claim whose DNS just proved its hostname. The first proof wins: every other claim still
     * waiting ends in ERROR saying why, and a claim that proves a name another already proved ends so too.
     * Returns what was stored, or null when the claim changed meanwhile.
     */
    Domain storeVerified(Domain verified, DomainStatus expected, Instant now) {
        try {
            if (!store.update(verified, EnumSet.of(expected))) {
                return null;
            }
        } catch (DuplicateKeyException e) {
            Domain lost = verified.withChecks(verified.dnsRecords(), verified.checkAttempts(), now, null)
                    .withStatus(DomainStatus.ERROR, takenBy(verified.hostname()), now);
            return store.update(lost, EnumSet.of(expected)) ? lost : null;
        }
        store.supersede(verified.hostname(), verified.id(), takenBy(verified.hostname()), now);
        return verified;
    }

    private static String takenBy(String hostname) {
        return "Another project proved it controls " + hostname + " first (its TXT record), so the name is theirs;"
                + " this claim can no longer be verified. Remove it. If the name is yours, change its DNS records"
                + " and contact the platform's operator.";
    }

    /** Takes the hostname off the edge, then deletes its certificate and row; safe while a certificate is being issued. */
    public void delete(User user, String domainId) {
        Domain d = owned(user, domainId);
        store.delete(d.id());
        removeFromEdgeUnlessProvenElsewhere(d.hostname());
    }

    /** A project is being deleted: its domains leave the edge (the rows go with the project). */
    public void deleteAll(String projectId) {
        for (Domain d : store.listByProject(projectId)) {
            store.delete(d.id());
            removeFromEdgeUnlessProvenElsewhere(d.hostname());
        }
    }

    // An unproven claim never reached the edge; removing it must not take down the project that proved the name.
    private void removeFromEdgeUnlessProvenElsewhere(String hostname) {
        if (store.findByHostname(hostname).isEmpty()) {
            removeFromEdge(hostname);
        }
    }

    void removeFromEdge(String hostname) {
        publisher.unpublishCustomHost(hostname);
        ports.edgeHostnames().detach(hostname);
        ports.certificates().delete(hostname);
    }

    /** How long a pending domain waits before its next DNS check: 30 s doubling to at most an hour. */
    static Duration backoff(int attempts) {
        return Duration.ofSeconds(Math.min(3600, 30L << Math.min(attempts, 7)));
    }

    public DomainSettings settings() {
        return settings;
    }
}
