package io.miaobu.domains;

import io.miaobu.config.DomainSettings;
import io.miaobu.deploy.Publisher;
import io.miaobu.domains.CertificateIssuer.IssuanceException;
import io.miaobu.domains.CertificateIssuer.IssuedCertificate;
import io.miaobu.projects.ProjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's work on custom domains: re-check pending DNS with backoff (giving up after
 * MIAOBU_DOMAIN_VERIFY_HOURS), issue certificates for verified domains and renew active ones when
 * their renewal time comes. A failed renewal keeps the working certificate and tries again later.
 */
public final class DomainJobs {
    private static final Logger LOG = LoggerFactory.getLogger(DomainJobs.class);
    /** How long one tick owns a domain; a tick that dies lets the next one retry after this. */
    private static final Duration LEASE = Duration.ofMinutes(15);
    private static final int BATCH = 20;

    private final DomainService service;
    private final DomainStore store;
    private final ProjectStore projects;
    private final Publisher publisher;
    private final DnsCheck dns;
    private final DomainPorts ports;
    private final DomainSettings settings;
    private final Clock clock;

    public DomainJobs(DomainService domains, DomainStore store, ProjectStore projects, Publisher publisher,
                      DomainPorts ports, Clock clock) {
        this.service = domains;
        this.store = store;
        this.projects = projects;
        this.publisher = publisher;
        this.dns = domains.dnsCheck();
        this.ports = ports;
        this.settings = domains.settings();
        this.clock = clock;
    }

    /** What one tick did. */
    public record Tick(int checked, int issued, int renewed, int failed) {}

    /** Runs everything due now; safe to run concurrently (each domain is claimed by one tick). */
    public synchronized Tick run() {
        int checked = 0, issued = 0, renewed = 0, failed = 0;
        Instant now = clock.instant();
        for (Domain d : store.listDue(now, BATCH)) {
            if (!store.claim(d.id(), d.nextCheckAt(), now.plus(LEASE))) {
                continue;
            }
            Domain claimed = d.withNextCheck(now.plus(LEASE));
            try {
                switch (d.status()) {
                    case PENDING_DNS -> {
                        checked++;
                        Domain after = recheck(claimed);
                        if (after != null && after.status() == DomainStatus.VERIFIED) {
                            if (issue(after)) issued++; else failed++;
                        }
                    }
                    case VERIFIED, ISSUING -> {
                        if (issue(claimed)) issued++; else failed++;
                    }
                    case ACTIVE -> {
                        if (renew(claimed)) renewed++; else failed++;
                    }
                    case ERROR -> store.update(claimed.withNextCheck(null), EnumSet.of(DomainStatus.ERROR));
                }
            } catch (RuntimeException e) {
                failed++;
                LOG.error("domain {} ({}): scheduled work failed; retried after {}", d.hostname(), d.id(), LEASE, e);
            }
        }
        return new Tick(checked, issued, renewed, failed);
    }

    private Domain recheck(Domain d) {
        Instant now = clock.instant();
        List<DnsRecord> records = dns.check(d.dnsRecords());
        String problem = DnsCheck.problem(records);
        Domain next;
        if (problem == null) {
            next = d.withChecks(records, 0, now, now).withStatus(DomainStatus.VERIFIED, null, now);
        } else if (now.isAfter(d.updatedAt().plus(settings.verifyFor()))) {
            next = d.withChecks(records, d.checkAttempts() + 1, now, null).withStatus(DomainStatus.ERROR,
                    "Miaobu stopped checking after " + settings.verifyFor().toHours() + " hours. " + problem
                            + " Then press Verify.", now);
        } else {
            int attempts = d.checkAttempts() + 1;
            next = d.withChecks(records, attempts, now, now.plus(DomainService.backoff(attempts)))
                    .withStatus(DomainStatus.PENDING_DNS, problem, d.updatedAt());
        }
        if (next.status() == DomainStatus.VERIFIED) {
            return service.storeVerified(next, DomainStatus.PENDING_DNS, now);
        }
        return store.update(next, EnumSet.of(DomainStatus.PENDING_DNS)) ? next : null;
    }

    /** VERIFIED -> ISSUING -> ACTIVE, or ERROR with the CA's reason. Returns whether a certificate is now live. */
    boolean issue(Domain d) {
        Instant now = clock.instant();
        Domain issuing = d.withStatus(DomainStatus.ISSUING, null, now)
                .withCertificate("ISSUING", null, null, null, null, 0)
                .withNextCheck(now.plus(LEASE));
        if (!store.update(issuing, EnumSet.of(DomainStatus.VERIFIED, DomainStatus.ISSUING))) {
            return false;
        }
        if (settings.certificates().equals("esa-managed")) {
            return attachEdgeManaged(d, issuing);
        }
        IssuedCertificate cert;
        try {
            cert = ports.issuer().issue(d.hostname());
        } catch (IssuanceException | RuntimeException e) {
            LOG.warn("domain {}: certificate not issued: {}", d.hostname(), e.getMessage());
            return fail(issuing, "No certificate was issued: " + e.getMessage() + " Fix the cause and press Verify to try again.");
        }
        ports.certificates().put(d.hostname(), cert.chainPem(), cert.privateKeyPem(), cert.notAfter());
        ports.edgeHostnames().attach(d.hostname());
        LOG.info("domain {}: certificate issued by {}, valid until {}", d.hostname(), cert.issuer(), cert.notAfter());
        return goLive(issuing.withCertificate("ACTIVE", cert.issuer(), cert.notBefore(), cert.notAfter(), cert.renewAfter(), 0)
                .withNextCheck(cert.renewAfter()));
    }

    /**
     * ISSUING -> ACTIVE and the route to the live deployment. A domain removed while the CA worked
     * (or between the update and the route write) leaves nothing of itself on the edge.
     */
    private boolean goLive(Domain issued) {
        Domain active = issued.withStatus(DomainStatus.ACTIVE, null, clock.instant());
        if (!store.update(active, EnumSet.of(DomainStatus.ISSUING))) {
            cleanUpRemoved(active.hostname());
            return false;
        }
        projects.findById(active.projectId()).ifPresent(p -> publisher.publishCustomHost(p, active.hostname()));
        if (store.findById(active.id()).isEmpty()) {
            cleanUpRemoved(active.hostname());
            return false;
        }
        return true;
    }

    private boolean fail(Domain issuing, String message) {
        store.update(issuing.withStatus(DomainStatus.ERROR, message, clock.instant())
                .withCertificate("ERROR", null, null, null, null, 0).withNextCheck(null), EnumSet.of(DomainStatus.ISSUING));
        return false;
    }

    /** MIAOBU_CERTIFICATES=esa-managed: the edge obtains and renews the certificate itself once the hostname is attached. */
    private boolean attachEdgeManaged(Domain d, Domain issuing) {
        try {
            ports.edgeHostnames().attach(d.hostname());
        } catch (RuntimeException e) {
            LOG.warn("domain {}: edge refused the hostname: {}", d.hostname(), e.getMessage());
            return fail(issuing, "The edge did not accept " + d.hostname() + ": " + e.getMessage() + " Press Verify to try again.");
        }
        return goLive(issuing.withCertificate("ACTIVE", "managed by the edge", null, null, null, 0).withNextCheck(null));
    }

    /** A new certificate replaces the old one only once it is stored; until then the old one keeps serving. */
    boolean renew(Domain d) {
        IssuedCertificate cert;
        try {
            cert = ports.issuer().issue(d.hostname());
        } catch (IssuanceException | RuntimeException e) {
            Instant now = clock.instant();
            int attempts = d.renewAttempts() + 1;
            Instant retry = now.plus(Duration.ofMinutes(Math.min(24 * 60, 60L << Math.min(attempts - 1, 5))));
            LOG.warn("domain {}: renewal {} failed: {}", d.hostname(), attempts, e.getMessage());
            store.update(d.withStatus(DomainStatus.ACTIVE, "Renewing the certificate failed (attempt " + attempts
                                    + "; next try at " + retry + "): " + e.getMessage()
                                    + " The current certificate stays in use until " + d.certNotAfter() + ".", now)
                            .withCertificate("ACTIVE", d.certIssuer(), d.certNotBefore(), d.certNotAfter(), d.renewAfter(), attempts)
                            .withNextCheck(retry),
                    EnumSet.of(DomainStatus.ACTIVE));
            return false;
        }
        ports.certificates().put(d.hostname(), cert.chainPem(), cert.privateKeyPem(), cert.notAfter());
        Domain renewed = d.withStatus(DomainStatus.ACTIVE, null, clock.instant())
                .withCertificate("ACTIVE", cert.issuer(), cert.notBefore(), cert.notAfter(), cert.renewAfter(), 0)
                .withNextCheck(cert.renewAfter());
        if (!store.update(renewed, EnumSet.of(DomainStatus.ACTIVE))) {
            cleanUpRemoved(d.hostname());
            return false;
        }
        LOG.info("domain {}: certificate renewed, valid until {}", d.hostname(), cert.notAfter());
        return true;
    }

    private void cleanUpRemoved(String hostname) {
        if (store.findByHostname(hostname).isPresent()) {
            return; // added again meanwhile (by its owner or another project): theirs now
        }
        publisher.unpublishCustomHost(hostname);
        ports.edgeHostnames().detach(hostname);
        ports.certificates().delete(hostname);
    }
}
