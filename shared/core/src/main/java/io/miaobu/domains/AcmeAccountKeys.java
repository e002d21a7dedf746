package io.miaobu.domains;

import io.miaobu.secrets.Secrets;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The platform's ACME account key for one CA directory, made once and kept encrypted (Secrets
 * port) in the database, so every function instance uses the same account.
 */
public final class AcmeAccountKeys {
    private final DomainStore store;
    private final Secrets secrets;
    private final Clock clock;

    public AcmeAccountKeys(DomainStore store, Secrets secrets, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The key pair (PEM) for {@code directoryUrl}; {@code generate} makes one the first time. */
    public String keyPem(String directoryUrl, Supplier<String> generate) {
        String context = "acme-account:" + directoryUrl;
        String encrypted = store.accountKey(directoryUrl)
                .orElseGet(() -> store.saveAccountKey(directoryUrl, secrets.encrypt(generate.get(), context), clock.instant()));
        return secrets.decrypt(encrypted, context);
    }
}
