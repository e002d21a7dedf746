package io.miaobu.acme;

import io.miaobu.domains.AcmeAccountKeys;
import io.miaobu.domains.AcmeChallenges;
import io.miaobu.domains.CertificateIssuer;
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
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CertificateIssuer over ACME (RFC 8555) with acme4j: the platform's one account (key kept
 * encrypted by {@link AcmeAccountKeys}), one order per hostname, HTTP-01 answered by the edge from
 * {@link AcmeChallenges}, an EC P-256 key per certificate, and the CA's renewal window (ARI,
 * RFC 9773) when it offers one.
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

    public AcmeCertificateIssuer(String directory, Optional<String> email, Optional<Path> caCertificate,
                                 AcmeAccountKeys accountKeys, AcmeChallenges challenges, Clock clock) {
        this.directory = directory;
        this.email = email;
        this.caCertificate = caCertificate;
        this.accountKeys = accountKeys;
        this.challenges = challenges;
        this.clock = clock;
    }

    /** The issuer MIAOBU_ACME_DIRECTORY asks for, or {@link CertificateIssuer#NOT_CONFIGURED} without one. */
    public static CertificateIssuer fromSettings(io.miaobu.config.DomainSettings settings, AcmeAccountKeys keys,
                                                 AcmeChallenges challenges, Clock clock) {
        if (settings.acmeDirectory().isEmpty() || !settings.certificates().equals("acme")) {
            return CertificateIssuer.NOT_CONFIGURED;
        }
        return new AcmeCertificateIssuer(settings.acmeDirectory().get(), settings.acmeEmail(),
                settings.acmeCaCertificate().map(Path::of), keys, challenges, clock);
    }

    @Override
    public IssuedCertificate issue(String hostname) throws IssuanceException {
        List<String> tokens = new ArrayList<>();
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
            for (String token : tokens) {
                try {
                    challenges.delete(token);
                } catch (RuntimeException e) {
                    LOG.warn("could not remove ACME challenge {}", token, e);
                }
            }
        }
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
