package io.miaobu.core;

import static io.miaobu.domains.DomainStatus.ACTIVE;
import static io.miaobu.domains.DomainStatus.ERROR;
import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.auth.User;
import io.miaobu.config.DomainSettings;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.CertificateIssuer.IssuanceException;
import io.miaobu.domains.CertificateIssuer.IssuedCertificate;
import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainJobs;
import io.miaobu.domains.DomainPorts;
import io.miaobu.domains.DomainService;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService.NewProject;
import io.miaobu.testkit.TestCertificates;
import io.miaobu.testkit.memory.InMemoryCore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * DomainJobs issuing and renewing certificates itself (MIAOBU_CERTIFICATES=acme) on in-memory
 * adapters, with a CA whose answers the test scripts: a certificate goes live only once stored, a
 * refusal says why, and a failed renewal keeps the working certificate and tries again later.
 */
class DomainCertificatesTest {
    private static final String HOST = TestCertificates.HOSTNAME;

    final InMemoryCore core = new InMemoryCore();
    /** What the CA answers next: a certificate, or the reason it refuses; then a hook run while it "works". */
    final Deque<Object> ca = new ArrayDeque<>();
    Runnable whileTheCaWorks = () -> {};
    final CertificateIssuer issuer = hostname -> {
        whileTheCaWorks.run();
        Object answer = ca.removeFirst();
        if (answer instanceof IssuanceException refused) {
            throw refused;
        }
        return (IssuedCertificate) answer;
    };
    final DomainSettings acme = new DomainSettings("edge.miaobu.test", core.domainSettings.apexAddresses(), false,
            Optional.of("https://acme.example/directory"), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Duration.ofHours(72), "acme", false, "alidns.aliyuncs.com");
    final DomainPorts ports = new DomainPorts(core.dns, core.certificates, core.edgeHostnames, issuer, () -> {});
    final DomainService domains = new DomainService(core.domainStore, core.projects, core.publisher, ports, acme, core.clock);
    final DomainJobs jobs = new DomainJobs(domains, core.domainStore, core.projectStore, core.publisher, ports, core.clock);

    final User owner = core.user();
    final Project shop = core.projects.create(owner, new NewProject("Shop", null, null, null, null, null, null, null, null));

    private IssuedCertificate certificate(TestCertificates.Pem pem) {
        Instant now = core.clock.instant();
        return new IssuedCertificate(pem.chain(), pem.privateKey(), "Test CA R1", now, pem.notAfter(), now.plus(Duration.ofDays(60)));
    }

    /** The owner adds {@link #HOST}, proves it in DNS and verifies it. */
    private Domain verified() {
        Domain d = domains.add(owner, shop.id(), HOST, core.hosts.baseDomain());
        core.dns.set("CNAME", HOST, "edge.miaobu.test");
        core.dns.set("TXT", "_miaobu." + HOST, d.txtValue());
        return domains.verify(owner, d.id());
    }

    /** A verified domain after the scheduler's tick, the CA answering {@code answer}. */
    private Domain issued(Object answer) {
        ca.add(answer);
        Domain d = verified();
        jobs.run();
        return d;
    }

    private Domain stored(Domain d) {
        return core.domainStore.findById(d.id()).orElseThrow();
    }

    @Test
    void a_verified_domain_gets_a_certificate_which_is_stored_before_the_edge_serves_it() {
        IssuedCertificate cert = certificate(TestCertificates.FIRST);

        Domain active = stored(issued(cert));
        assertThat(active.status()).isEqualTo(ACTIVE);
        assertThat(active.certStatus()).isEqualTo("ACTIVE");
        assertThat(active.certIssuer()).isEqualTo("Test CA R1");
        assertThat(active.certNotAfter()).isEqualTo(cert.notAfter());
        assertThat(active.nextCheckAt()).as("looked at again when renewal is due").isEqualTo(cert.renewAfter());
        assertThat(core.certificates.pem(HOST).orElseThrow().certificateChain()).isEqualTo(cert.chainPem());
        assertThat(core.edgeHostnames.calls).containsExactly("attach " + HOST);
    }

    @Test
    void a_certificate_the_ca_refuses_ends_in_error_with_its_reason_and_nothing_on_the_edge() {
        Domain failed = stored(issued(new IssuanceException("too many certificates already issued for example.org")));

        assertThat(failed.status()).isEqualTo(ERROR);
        assertThat(failed.message()).contains("No certificate was issued: too many certificates already issued");
        assertThat(failed.certStatus()).isEqualTo("ERROR");
        assertThat(failed.nextCheckAt()).isNull();
        assertThat(core.certificates.get(HOST)).isEmpty();
        assertThat(core.edgeHostnames.calls).isEmpty();
    }

    @Test
    void a_certificate_is_renewed_when_its_renewal_time_comes() {
        Domain d = issued(certificate(TestCertificates.FIRST));

        core.clock.advance(Duration.ofDays(60));
        IssuedCertificate renewed = certificate(TestCertificates.RENEWED);
        ca.add(renewed);
        jobs.run();

        Domain active = stored(d);
        assertThat(active.status()).isEqualTo(ACTIVE);
        assertThat(active.certNotAfter()).isEqualTo(TestCertificates.RENEWED.notAfter());
        assertThat(active.nextCheckAt()).isEqualTo(renewed.renewAfter());
        assertThat(core.certificates.pem(HOST).orElseThrow().certificateChain()).isEqualTo(renewed.chainPem());
    }

    @Test
    void a_failed_renewal_keeps_the_working_certificate_and_tries_again_later_each_time_later() {
        IssuedCertificate first = certificate(TestCertificates.FIRST);
        Domain d = issued(first);
        core.clock.advance(Duration.ofDays(60));

        ca.add(new IssuanceException("the CA is down for maintenance"));
        jobs.run();
        Domain afterOne = stored(d);
        assertThat(afterOne.status()).isEqualTo(ACTIVE);
        assertThat(afterOne.renewAttempts()).isOne();
        assertThat(afterOne.message()).contains("attempt 1").contains("the CA is down for maintenance")
                .contains("stays in use until " + first.notAfter());
        assertThat(afterOne.nextCheckAt()).isEqualTo(core.clock.instant().plus(Duration.ofHours(1)));
        assertThat(core.certificates.pem(HOST).orElseThrow().certificateChain()).isEqualTo(first.chainPem());

        core.clock.advance(Duration.ofHours(1));
        ca.add(new IssuanceException("still down"));
        jobs.run();
        assertThat(stored(d).nextCheckAt()).isEqualTo(core.clock.instant().plus(Duration.ofHours(2)));

        core.clock.advance(Duration.ofHours(2));
        ca.add(certificate(TestCertificates.RENEWED));
        jobs.run();
        Domain renewed = stored(d);
        assertThat(renewed.renewAttempts()).isZero();
        assertThat(renewed.message()).isNull();
        assertThat(renewed.certNotAfter()).isEqualTo(TestCertificates.RENEWED.notAfter());
    }

    @Test
    void a_domain_removed_while_the_ca_works_leaves_nothing_of_itself_on_the_edge() {
        ca.add(certificate(TestCertificates.FIRST));
        Domain d = verified();
        whileTheCaWorks = () -> domains.delete(owner, d.id());

        jobs.run();

        assertThat(core.domainStore.findById(d.id())).isEmpty();
        assertThat(core.certificates.get(HOST)).isEmpty();
        assertThat(core.edgeHostnames.calls).endsWith("detach " + HOST);
    }
}
