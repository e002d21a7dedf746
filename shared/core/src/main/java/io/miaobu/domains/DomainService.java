package io.miaobu.domains;

import io.miaobu.Ids;
import io.miaobu.auth.User;
import io.miaobu.config.DomainSettings;
import io.miaobu.deploy.Publisher;
import io.miaobu.http.HttpError;
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
            throw HttpError.badRequest("invalid_hostname", checked.hostname() + " is an apex domain, and this Miaobu has no"
                    + " addresses for apex domains (MIAOBU_APEX_ADDRESSES); add a subdomain such as www." + checked.hostname() + ".");
        }
        Instant now = clock.instant();
        String token = Ids.token(24).substring(1);
        Domain domain = new Domain("dom_" + Ids.token(15).substring(1), project.id(), checked.hostname(), checked.apex(),
                DomainStatus.PENDING_DNS, null, token, dns.expected(checked.hostname(), checked.apex(), token), 0, null,
                now.plus(backoff(0)), null, null, null, null, null, 0, now, now);
        try {
            store.insert(domain);
        } catch (DuplicateKeyException e) {
            // The same answer whether the other project is the caller's or someone else's: no probing of who owns what.
            throw HttpError.conflict("domain_taken", checked.hostname() + " is already added to a project. Remove it there"
                    + " first; if it is not yours to remove, contact the platform's operator.");
        }
        return domain;
    }

    public List<Domain> list(User user, String projectId) {
        return store.listByProject(projects.owned(user, projectId).id());
    }

    /** The caller's domain; someone else's is indistinguishable from a missing one (404). */
    public Domain owned(User user, String domainId) {
        Domain d = store.findById(domainId).orElseThrow(() -> HttpError.notFound("Domain " + domainId));
        try {
            projects.owned(user, d.projectId());
        } catch (HttpError e) {
            throw HttpError.notFound("Domain " + domainId);
        }
        return d;
    }

    /** Checks DNS now; a domain whose records are right moves to VERIFIED and its certificate is asked for. */
    public Domain verify(User user, String domainId) {
        Domain d = owned(user, domainId);
        Instant now = clock.instant();
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
        if (!store.update(next, EnumSet.of(d.status()))) {
            return owned(user, domainId); // changed meanwhile (the scheduler got there first): show that
        }
        if (next.status() == DomainStatus.VERIFIED) {
            ports.wake().run();
        }
        return next;
    }

    /** Takes the hostname off the edge, then deletes its certificate and row; safe while a certificate is being issued. */
    public void delete(User user, String domainId) {
        Domain d = owned(user, domainId);
        store.delete(d.id());
        removeFromEdge(d.hostname());
    }

    /** A project is being deleted: its domains leave the edge (the rows go with the project). */
    public void deleteAll(String projectId) {
        for (Domain d : store.listByProject(projectId)) {
            store.delete(d.id());
            removeFromEdge(d.hostname());
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
