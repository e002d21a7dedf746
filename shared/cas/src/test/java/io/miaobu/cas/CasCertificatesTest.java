package io.miaobu.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.cas20200407.Client;
import com.aliyun.cas20200407.models.UploadUserCertificateRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.EdgeSettings;
import io.miaobu.domains.CertificateStore;
import io.miaobu.domains.CertificateStore.StoredCertificate;
import io.miaobu.esa.EsaAdapters;
import io.miaobu.testkit.CertificateStoreContract;
import io.miaobu.testkit.TestClock;
import io.miaobu.testkit.aliyun.FakeCas;
import io.miaobu.testkit.aliyun.FakeEsa;
import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** CertificateStore on CAS, through Aliyun's own cas20200407 SDK, bound to ESA custom hostnames. */
class CasCertificatesTest {
    static final AliyunCredentials STS = new AliyunCredentials("STS.cas-key", "cas-secret", Optional.of("cas-token"));
    static final String SITE = "123456";

    final FakeEsa esa = new FakeEsa(STS, SITE).createNamespace("routes").addRecord("edge.miaobu.app");
    final FakeCas cas = new FakeCas(STS);
    final TestClock clock = TestClock.startingNow();

    @AfterEach
    void stop() {
        esa.close();
        cas.close();
    }

    CertificateStore store() {
        return store(Map.of()).orElseThrow();
    }

    Optional<CertificateStore> store(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("MIAOBU_ESA_SITE_ID", SITE, "MIAOBU_ESA_ENDPOINT", esa.endpoint(),
                "MIAOBU_EDGE_TARGET", "edge.miaobu.app", "MIAOBU_CAS_ENDPOINT", cas.endpoint()));
        env.putAll(extra);
        EdgeSettings settings = EdgeSettings.fromEnv(n -> Optional.ofNullable(env.get(n)));
        return CasCertificateStore.from(settings, () -> STS, EsaAdapters.from(settings, () -> STS).certificateBinding(), clock);
    }

    /** The contract every CertificateStore passes, on these fakes. */
    @Nested
    class Contract extends CertificateStoreContract {
        @Override
        protected CertificateStore certificates() {
            return store();
        }

        @Override
        protected void beforeRenewal() {
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void with_esa_managed_certificates_miaobu_stores_none() {
        assertThat(store(Map.of("MIAOBU_CERTIFICATES", "esa-managed"))).isEmpty();
    }

    @Test
    void a_certificate_is_uploaded_to_cas_and_served_by_the_custom_hostname() throws Exception {
        Instant notAfter = Instant.now().plus(90, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String[] pem = selfSigned("www.example.org", notAfter);
        StoredCertificate stored = store().put("www.example.org", pem[0], pem[1], notAfter);

        FakeCas.Stored uploaded = cas.certificate(Long.parseLong(stored.id())).orElseThrow();
        assertThat(uploaded.certificate()).isEqualTo(pem[0]);
        assertThat(uploaded.privateKey()).isEqualTo(pem[1]);
        assertThat(uploaded.name()).startsWith("www.example.org-");
        assertThat(cas.calls("UploadUserCertificate")).singleElement()
                .satisfies(c -> assertThat(c.signatureVersion()).isEqualTo("ACS3-HMAC-SHA256")); // the SDK's own signing, accepted by the fake

        FakeEsa.Hostname h = esa.hostname("www.example.org").orElseThrow();
        assertThat(h.certType()).isEqualTo("cas");
        assertThat(h.casId()).isEqualTo(stored.id());
        assertThat(h.sslFlag()).isEqualTo("on");

        assertThat(store().get("www.example.org")).contains(new StoredCertificate("www.example.org", stored.id(), notAfter));
        assertThat(store().get("other.example.org")).isEmpty();
    }

    @Test
    void a_renewal_binds_the_new_certificate_before_the_old_one_is_deleted() throws Exception {
        Instant first = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String[] old = selfSigned("shop.example.com", first);
        StoredCertificate before = store().put("shop.example.com", old[0], old[1], first);
        clock.advance(Duration.ofSeconds(1)); // names carry a per-second stamp

        Instant second = first.plus(80, ChronoUnit.DAYS);
        String[] renewed = selfSigned("shop.example.com", second);
        StoredCertificate after = store().put("shop.example.com", renewed[0], renewed[1], second);

        assertThat(after.id()).isNotEqualTo(before.id());
        assertThat(esa.hostname("shop.example.com").orElseThrow().casId()).isEqualTo(after.id());
        assertThat(cas.certificates()).extracting(FakeCas.Stored::id).containsExactly(Long.parseLong(after.id()));
        assertThat(store().get("shop.example.com").orElseThrow().notAfter()).isEqualTo(second);
    }

    @Test
    void a_renewal_whose_bind_fails_keeps_the_working_certificate() throws Exception {
        Instant first = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String[] old = selfSigned("shop.example.com", first);
        StoredCertificate before = store().put("shop.example.com", old[0], old[1], first);
        clock.advance(Duration.ofSeconds(1));

        esa.failNext("UpdateCustomHostname", 3, 503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");
        String[] renewed = selfSigned("shop.example.com", first.plus(80, ChronoUnit.DAYS));
        assertThatThrownBy(() -> store().put("shop.example.com", renewed[0], renewed[1], first.plus(80, ChronoUnit.DAYS)))
                .hasMessageContaining("ServiceUnavailable");

        assertThat(esa.hostname("shop.example.com").orElseThrow().casId()).isEqualTo(before.id());
        assertThat(cas.certificates()).extracting(FakeCas.Stored::id).containsExactly(Long.parseLong(before.id()));
    }

    @Test
    void deleting_unbinds_the_hostname_and_removes_its_certificates() throws Exception {
        Instant notAfter = Instant.now().plus(90, ChronoUnit.DAYS);
        String[] pem = selfSigned("gone.example.com", notAfter);
        store().put("gone.example.com", pem[0], pem[1], notAfter);
        store().delete("gone.example.com");
        store().delete("gone.example.com");
        assertThat(cas.certificates()).isEmpty();
        assertThat(esa.hostname("gone.example.com").orElseThrow().sslFlag()).isEqualTo("off");
    }

    /** CAS caps certificate names at 63 characters (UploadUserCertificate, Name); {@code {hostname}-{stamp}} alone fits hosts of up to 48. */
    @Test
    void a_long_hostname_gets_a_certificate_name_cas_accepts_and_its_renewal_finds_the_old_one() throws Exception {
        String host = "a-rather-long-shop-name-for-the-campaign.customer-brand.example.com"; // 67 characters
        String sibling = "a-rather-long-shop-name-for-the-campaign.customer-brand.example.net"; // the same first 39
        Instant first = Instant.now().plus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String[] pem = selfSigned(host, first);
        StoredCertificate before = store().put(host, pem[0], pem[1], first);
        String[] other = selfSigned(sibling, first);
        StoredCertificate siblings = store().put(sibling, other[0], other[1], first);

        assertThat(cas.certificates()).extracting(FakeCas.Stored::name).allSatisfy(name -> assertThat(name).hasSizeLessThanOrEqualTo(63))
                .doesNotHaveDuplicates();
        assertThat(store().get(host).orElseThrow().id()).isEqualTo(before.id());
        clock.advance(Duration.ofSeconds(1)); // names carry a per-second stamp

        Instant second = first.plus(80, ChronoUnit.DAYS);
        String[] renewed = selfSigned(host, second);
        StoredCertificate after = store().put(host, renewed[0], renewed[1], second);

        assertThat(cas.certificates()).extracting(FakeCas.Stored::id)
                .containsExactlyInAnyOrder(Long.parseLong(after.id()), Long.parseLong(siblings.id()));
        assertThat(store().get(host).orElseThrow().notAfter()).isEqualTo(second);
        assertThat(store().get(sibling).orElseThrow().id()).isEqualTo(siblings.id());
    }

    @Test
    void a_name_of_a_hostname_that_fits_is_the_hostname_and_its_stamp_as_before() {
        assertThat(CasCertificateStore.stem("www.example.org")).isEqualTo("www.example.org");
        String longest = "x".repeat(44) + ".com"; // 48 characters: 48 + 15 = 63
        assertThat(CasCertificateStore.stem(longest)).isEqualTo(longest);
        assertThat(CasCertificateStore.stem(longest.replace(".com", "x.com"))).hasSize(48).contains("_");
    }

    @Test
    void the_fake_refuses_a_certificate_name_longer_than_cas_allows() throws Exception {
        String host = "a-rather-long-shop-name-for-the-campaign.customer-brand.example.com";
        String[] pem = selfSigned(host, Instant.now().plus(10, ChronoUnit.DAYS));
        Client api = new Client(new Config().setAccessKeyId(STS.accessKeyId()).setAccessKeySecret(STS.accessKeySecret())
                .setSecurityToken(STS.securityToken().orElseThrow()).setEndpoint(URI.create(cas.endpoint()).getAuthority()).setProtocol("HTTP"));
        assertThatThrownBy(() -> api.uploadUserCertificate(new UploadUserCertificateRequest()
                .setName(host + "-20261202120000").setCert(pem[0]).setKey(pem[1])))
                .isInstanceOfSatisfying(TeaException.class, e -> assertThat(e.getCode()).isEqualTo("InvalidParameter"));
        assertThat(cas.certificates()).isEmpty();
    }

    @Test
    void a_malformed_certificate_is_refused_with_cas_error_code() {
        assertThatThrownBy(() -> store().put("bad.example.com", "not a certificate", "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n", Instant.now()))
                .hasMessageContaining("CAS UploadUserCertificate failed with InvalidCertificate");
        assertThat(esa.hostname("bad.example.com")).isEmpty();
    }

    /** A self-signed certificate and its key, PEM. */
    static String[] selfSigned(String host, Instant notAfter) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + host);
        var holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime()),
                Date.from(Instant.now().minus(1, ChronoUnit.DAYS)), Date.from(notAfter), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes());
        return new String[] {
                "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(holder.getEncoded()) + "\n-----END CERTIFICATE-----\n",
                "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n"};
    }
}
