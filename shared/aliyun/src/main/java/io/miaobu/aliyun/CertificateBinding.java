package io.miaobu.aliyun;

/**
 * Puts a certificate stored in CAS on the edge hostname that serves it (ESA custom hostname), and
 * takes it off again. Lets the CAS certificate store bind without depending on the edge's module.
 */
public interface CertificateBinding {
    /** Serves {@code hostname} with the CAS certificate {@code casId} from now on (replacing any other). */
    void bind(String hostname, String casId);

    /** Stops serving {@code hostname} with a certificate of ours; nothing happens when none is bound. */
    void unbind(String hostname);

    CertificateBinding NONE = new CertificateBinding() {
        @Override
        public void bind(String hostname, String casId) {}

        @Override
        public void unbind(String hostname) {}
    };
}
