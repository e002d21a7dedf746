package io.miaobu.testkit;

import static io.miaobu.testkit.TestCertificates.FIRST;
import static io.miaobu.testkit.TestCertificates.HOSTNAME;
import static io.miaobu.testkit.TestCertificates.RENEWED;
import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.domains.CertificateStore;
import io.miaobu.domains.CertificateStore.StoredCertificate;
import org.junit.jupiter.api.Test;

/**
 * What every CertificateStore does: CAS bound to ESA, the local directory of PEM files, and the
 * in-memory one the core's unit tests use. A hostname has one certificate at a time; a renewal
 * replaces it; deleting is safe to repeat (a project deletion and a domain deletion may both do it).
 */
public abstract class CertificateStoreContract {
    protected abstract CertificateStore certificates();

    /**
     * Called between two puts for one hostname. CAS names an upload {@code {hostname}-{second}}, so a
     * second upload for the hostname within the same second is refused (NameRepeat): its test moves
     * its clock here. Real renewals are months apart.
     */
    protected void beforeRenewal() {}

    private StoredCertificate put(String hostname, TestCertificates.Pem pem) {
        return certificates().put(hostname, pem.chain(), pem.privateKey(), pem.notAfter());
    }

    @Test
    void a_stored_certificate_is_found_by_its_hostname_with_when_it_expires() {
        StoredCertificate stored = put(HOSTNAME, FIRST);

        assertThat(stored.hostname()).isEqualTo(HOSTNAME);
        assertThat(stored.notAfter()).isEqualTo(FIRST.notAfter());
        assertThat(certificates().get(HOSTNAME)).contains(stored);
    }

    @Test
    void a_hostname_without_a_certificate_has_none() {
        put(HOSTNAME, FIRST);
        assertThat(certificates().get("shop.example.org")).isEmpty();
    }

    @Test
    void a_renewal_replaces_the_hostnames_certificate() {
        put(HOSTNAME, FIRST);
        beforeRenewal();
        StoredCertificate renewed = put(HOSTNAME, RENEWED);

        assertThat(certificates().get(HOSTNAME)).contains(renewed);
        assertThat(renewed.notAfter()).isEqualTo(RENEWED.notAfter());
    }

    @Test
    void a_deleted_certificate_is_gone_and_deleting_again_or_deleting_none_is_harmless() {
        put(HOSTNAME, FIRST);

        certificates().delete(HOSTNAME);
        certificates().delete(HOSTNAME);
        certificates().delete("never.example.org");

        assertThat(certificates().get(HOSTNAME)).isEmpty();
    }

    @Test
    void each_hostname_keeps_its_own_certificate() {
        StoredCertificate www = put(HOSTNAME, FIRST);
        StoredCertificate shop = put("shop.example.org", RENEWED);

        certificates().delete("shop.example.org");

        assertThat(certificates().get(HOSTNAME)).contains(www);
        assertThat(certificates().get("shop.example.org")).isEmpty();
        assertThat(shop.hostname()).isEqualTo("shop.example.org");
    }
}
