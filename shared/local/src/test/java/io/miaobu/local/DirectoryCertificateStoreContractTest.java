package io.miaobu.local;

import io.miaobu.domains.CertificateStore;
import io.miaobu.testkit.CertificateStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The local edge's directory of PEM files passes the contract every CertificateStore passes. */
class DirectoryCertificateStoreContractTest extends CertificateStoreContract {
    @TempDir
    Path dir;

    private CertificateStore store;

    @Override
    protected CertificateStore certificates() {
        if (store == null) {
            try {
                store = new DirectoryCertificateStore(dir.resolve("certificates"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return store;
    }
}
