package io.miaobu.acme;

import io.miaobu.domains.AcmeAccountKeys;
import io.miaobu.domains.AcmeChallenges;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.DnsChallenges;
import io.miaobu.domains.DnsLookup;
import io.miaobu.domains.Hostnames;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CertificateIssuer over ACME (RFC 8555) with acme4j: the platform's one account (key kept
 * encrypted by {@link AcmeAccountKeys}), one order per hostname, HTTP-01 answered by the edge from
 * {@link AcmeChallenges}, an EC P-256 key per certificate, and the CA's renewal window (ARI,
 * RFC 9773) when it offers one. Wildcard names are validated by DNS-01 through {@link DnsChallenges}
 * (when the operator enabled them); every other name keeps HTTP-01, which needs nothing from the
 * user's DNS beyond the CNAME they already made, so only wildcards depend on the zone being in the
 * operator's Alidns account.
 */
public final class AcmeCertificateIssuer implements CertificateIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeCertificateIssuer.class);
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    static {
        // acme4j 3 signs CSRs and reads PEM keys through BouncyCastle.
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
    }

    private final String directory;
    private final Optional<String> email;
    private final Optional<Path> caCertificate;
    private final AcmeAccountKeys accountKeys;
    private final AcmeChallenges challenges;
    private final Clock clock;
    private final Optional<DnsChallenges> dnsChallenges;
    private final DnsLookup dns;
    private final Duration dnsWait;

    /**
     * @param dns     asked until the DNS-01 TXT record is visible (up to {@code dnsWait}) before the CA is
     *                told to look, so a slow zone update does not fail the order
     */
    public AcmeCertificateIssuer(String directory, Optional<String> email, Optional<Path> caCertificate,
                                 AcmeAccountKeys accountKeys, AcmeChallenges challenges,
                                 Optional<DnsChallenges> dnsChallenges, DnsLookup dns, Duration dnsWait, Clock clock) {
        this.dnsChallenges = dnsChallenges;
        this.dns = dns;
        this.dnsWait = dnsWait;
        this.directory = directory;
        this.email = email;
        this.caCertificate = caCertificate;
        this.accountKeys = accountKeys;
        this.challenges = challenges;
        this.clock = clock;
    }

    /**
     * The issuer MIAOBU_ACME_DIRECTORY asks for, or {@link CertificateIssuer#NOT_CONFIGURED} without one; with
     * DNS-01 for wildcard names when {@code dnsChallenges} is present (MIAOBU_ALIDNS=on).
     */
    public static CertificateIssuer fromSettings(io.miaobu.config.DomainSettings settings, AcmeAccountKeys keys,
                                                 AcmeChallenges challenges, Optional<DnsChallenges> dnsChallenges,
                                                 DnsLookup dns, Clock clock) {
        if (settings.acmeDirectory().isEmpty() || !settings.certificates().equals("acme")) {
            return CertificateIssuer.NOT_CONFIGURED;
        }
        return new AcmeCertificateIssuer(settings.acmeDirectory().get(), settings.acmeEmail(),
                settings.acmeCaCertificate().map(Path::of), keys, challenges, dnsChallenges, dns, WAIT, clock);
    }

    @Override
    public IssuedCertificate issue(String hostname) throws IssuanceException {
        List<String> tokens = new ArrayList<>();
        List<String> dnsRecords = new ArrayList<>();
        boolean wildcard = Hostnames.isWildcard(hostname);
        if (wildcard && dnsChallenges.isEmpty()) {
            throw new IssuanceException("a wildcard certificate needs DNS-01 validation, and this Miaobu has none configured (MIAOBU_ALIDNS=on).");
        }
        try {
            Session session = new Session(URI.create(directory), new TrustingProvider(caCertificate));
            AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey());
            email.ifPresent(builder::addEmail);
            Account account = builder.create(session);
            Order order = account.newOrder().domain(hostname).create();
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) {
                    continue;
                }
                if (wildcard) {
                    validateByDns(hostname, auth, dnsRecords);
                    continue;
                }
                Http01Challenge challenge = auth.findChallenge(Http01Challenge.class).orElseThrow(() ->
                        new IssuanceException("the CA offers no HTTP-01 challenge for " + hostname + "."));
                challenges.put(challenge.getToken(), challenge.getAuthorization());
                tokens.add(challenge.getToken());
                challenge.trigger();
                Status status = challenge.waitForCompletion(WAIT);
                if (status != Status.VALID) {
                    throw new IssuanceException("the CA could not validate " + hostname + " over HTTP (http://" + hostname
                            + "/.well-known/acme-challenge/" + challenge.getToken() + "): "
                            + challenge.getError().map(AcmeCertificateIssuer::describe).orElse("status " + status) + ".");
                }
            }
            KeyPair domainKey = KeyPairUtils.createECKeyPair("secp256r1");
            order.execute(domainKey);
            Status status = order.waitForCompletion(WAIT);
            if (status != Status.VALID) {
                throw new IssuanceException("the CA did not finish the order for " + hostname + ": "
                        + order.getError().map(AcmeCertificateIssuer::describe).orElse("status " + status) + ".");
            }
            Certificate certificate = order.getCertificate();
            X509Certificate leaf = certificate.getCertificate();
            StringWriter chain = new StringWriter();
            certificate.writeCertificate(chain);
            StringWriter key = new StringWriter();
            KeyPairUtils.writeKeyPair(domainKey, key);
            Instant notAfter = leaf.getNotAfter().toInstant();
            return new IssuedCertificate(chain.toString(), key.toString(), leaf.getIssuerX500Principal().getName(),
                    leaf.getNotBefore().toInstant(), notAfter, renewAfter(certificate, notAfter));
        } catch (AcmeException e) {
            throw new IssuanceException("the CA answered: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IssuanceException("interrupted while waiting for the CA", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (String record : dnsRecords) {
                try {
                    dnsChallenges.orElseThrow().delete(record);
                } catch (RuntimeException e) {
                    LOG.warn("could not remove the DNS-01 record {} for {}", record, hostname, e);
                }
            }
            for (String token : tokens) {
                try {
                    challenges.delete(token);
                } catch (RuntimeException e) {
                    LOG.warn("could not remove ACME challenge {}", token, e);
                }
            }
        }
    }

    /** DNS-01: the TXT record in the operator's zone, visible to our resolver, then the CA is told to look. */
    private void validateByDns(String hostname, Authorization auth, List<String> dnsRecords)
            throws IssuanceException, AcmeException, InterruptedException {
        Dns01Challenge challenge = auth.findChallenge(Dns01Challenge.class).orElseThrow(() ->
                new IssuanceException("the CA offers no DNS-01 challenge for " + hostname + "."));
        String name = DnsChallenges.recordName(hostname);
        String value = challenge.getDigest();
        try {
            dnsRecords.add(dnsChallenges.orElseThrow().put(hostname, value));
        } catch (RuntimeException e) {
            throw new IssuanceException("could not create the TXT record " + name + " in the platform's DNS (is the zone"
                    + " hosted in the operator's Alidns account?): " + e.getMessage(), e);
        }
        awaitTxt(name, value);
        challenge.trigger();
        Status status = challenge.waitForCompletion(WAIT);
        if (status != Status.VALID) {
            throw new IssuanceException("the CA could not validate " + hostname + " over DNS (TXT " + name + "): "
                    + challenge.getError().map(AcmeCertificateIssuer::describe).orElse("status " + status) + ".");
        }
    }

    private void awaitTxt(String name, String value) throws InterruptedException {
        long deadline = System.nanoTime() + dnsWait.toNanos();
        do {
            try {
                if (dns.lookup(name, "TXT").contains(value)) {
                    return;
                }
            } catch (DnsLookup.DnsLookupException e) {
                LOG.info("waiting for {}: {}", name, e.getMessage());
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        // Not seen by our resolver (it may cache the earlier NXDOMAIN): let the CA ask the authoritative servers.
        LOG.info("{} not visible to the configured resolver after {}; asking the CA anyway", name, dnsWait);
    }

    /** The CA's suggested window (ARI) when it offers one, else 30 days before expiry (a third of short lifetimes). */
    private Instant renewAfter(Certificate certificate, Instant notAfter) {
        try {
            if (certificate.hasRenewalInfo()) {
                Optional<Instant> proposal = certificate.getRenewalInfo().getRandomProposal(null);
                if (proposal.isPresent()) {
                    return proposal.get();
                }
            }
        } catch (RuntimeException e) {
            LOG.info("renewal information not available: {}", e.getMessage());
        }
        Duration lifetime = Duration.between(clock.instant(), notAfter);
        Duration before = lifetime.compareTo(RENEW_BEFORE.multipliedBy(3)) < 0 ? lifetime.dividedBy(3) : RENEW_BEFORE;
        return notAfter.minus(before);
    }

    private KeyPair accountKey() throws IOException {
        String pem = accountKeys.keyPem(directory, () -> {
            StringWriter out = new StringWriter();
            try {
                KeyPairUtils.writeKeyPair(KeyPairUtils.createECKeyPair("secp384r1"), out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        });
        return KeyPairUtils.readKeyPair(new StringReader(pem));
    }

    private static String describe(Problem problem) {
        return problem.getDetail().orElse(problem.getTitle().orElse(problem.getType().toString()));
    }
}
