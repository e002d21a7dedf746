package io.miaobu.functions;

import io.miaobu.dynamic.FunctionHost;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.CertificateBinding;
import io.miaobu.build.SourceFetcher;
import io.miaobu.config.AliyunSettings;
import io.miaobu.config.DomainSettings;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.config.EdgeSettings;
import io.miaobu.deploy.JobQueue;
import io.miaobu.domains.AcmeAccountKeys;
import io.miaobu.domains.AcmeChallenges;
import io.miaobu.domains.CertificateIssuer;
import io.miaobu.domains.CertificateStore;
import io.miaobu.domains.DnsLookup;
import io.miaobu.edge.CachePurger;
import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The vendor adapters one function carries. Each function's main names the ones its routes use, and its
 * module depends on their modules, so its jar holds only their SDKs (oauth carries none; the api, which
 * serves every dashboard route, carries all but JGit and ACME). A port a function leaves out refuses
 * every call with a message naming the function, instead of falling back to a local adapter the rest of
 * the platform never reads (a build queued in PostgreSQL while the builder listens to MNS).
 *
 * <p>The route table, ESA purge and edge hostnames need no SDK ({@link io.miaobu.esa.EsaAdapters}), so
 * every function has them.
 */
public final class FunctionAdapters {
    /** A vendor adapter when the configuration asks for one; empty selects the local adapter. */
    @FunctionalInterface
    public interface Choice<S, T> {
        Optional<T> from(S settings, Supplier<AliyunCredentials> credentials) throws IOException;
    }

    /** The certificate store when the configuration asks for a vendor one (CAS); empty selects PEM files. */
    @FunctionalInterface
    public interface CertificateChoice {
        Optional<CertificateStore> from(EdgeSettings settings, Supplier<AliyunCredentials> credentials, CertificateBinding binding);
    }

    /** The function host when the configuration asks for a vendor one (FC); {@code bucket} is the platform's OSS store, if any. */
    @FunctionalInterface
    public interface FunctionHostChoice {
        Optional<FunctionHost> from(MiaobuConfig config, Supplier<AliyunCredentials> credentials, Optional<ArtifactStore> bucket);
    }

    /**
     * The certificate issuer the configuration asks for (ACME with MIAOBU_ACME_DIRECTORY), or
     * {@link CertificateIssuer#NOT_CONFIGURED}; {@code dns} is the instance's one resolver, which DNS-01 waits ask.
     */
    @FunctionalInterface
    public interface IssuerChoice {
        CertificateIssuer from(DomainSettings settings, AcmeAccountKeys accountKeys, AcmeChallenges challenges,
                               Supplier<AliyunCredentials> credentials, DnsLookup dns);
    }

    /**
     * What the custom-domain routes and jobs need beyond the route table: DNS answers, a certificate store and,
     * in the function that issues, an issuer (the others leave verified domains to the scheduler's next tick).
     */
    record Domains(Function<Optional<String>, DnsLookup> dns, CertificateChoice certificates, Optional<IssuerChoice> issuer) {}

    final String function;
    final Optional<Choice<AliyunSettings, JobQueue>> queue;
    final Optional<Choice<AliyunSettings, ArtifactStore>> artifacts;
    final Optional<Choice<EdgeSettings, CachePurger>> cdn;
    final Optional<Domains> domains;
    final Optional<FunctionHostChoice> functions;
    final Optional<Supplier<SourceFetcher>> sources;

    private FunctionAdapters(String function, Optional<Choice<AliyunSettings, JobQueue>> queue,
                             Optional<Choice<AliyunSettings, ArtifactStore>> artifacts,
                             Optional<Choice<EdgeSettings, CachePurger>> cdn, Optional<Domains> domains,
                             Optional<FunctionHostChoice> functions, Optional<Supplier<SourceFetcher>> sources) {
        this.function = function;
        this.queue = queue;
        this.artifacts = artifacts;
        this.cdn = cdn;
        this.domains = domains;
        this.functions = functions;
        this.sources = sources;
    }

    /** A function that carries no vendor SDK: it neither enqueues, stores files, publishes nor serves domains. */
    public static FunctionAdapters none(String function) {
        return new FunctionAdapters(function, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** Enqueues builds: on {@code mns} when it is configured, else in the PostgreSQL table. */
    public FunctionAdapters jobQueue(Choice<AliyunSettings, JobQueue> mns) {
        return new FunctionAdapters(function, Optional.of(mns), artifacts, cdn, domains, functions, sources);
    }

    /** Stores site files: in {@code oss} when it is configured, else under the data directory. */
    public FunctionAdapters artifactStore(Choice<AliyunSettings, ArtifactStore> oss) {
        return new FunctionAdapters(function, queue, Optional.of(oss), cdn, domains, functions, sources);
    }

    /** Publishes: purges ESA's cache, and also {@code cdn}'s when it is configured. */
    public FunctionAdapters cachePurger(Choice<EdgeSettings, CachePurger> cdn) {
        return new FunctionAdapters(function, queue, artifacts, Optional.of(cdn), domains, functions, sources);
    }

    /** Serves custom domains: {@code dns} answers for MIAOBU_DNS_RESOLVER, {@code certificates} when configured, else PEM files. */
    public FunctionAdapters domains(Function<Optional<String>, DnsLookup> dns, CertificateChoice certificates) {
        return new FunctionAdapters(function, queue, artifacts, cdn, Optional.of(new Domains(dns, certificates, Optional.empty())),
                functions, sources);
    }

    /**
     * Issues certificates for verified domains and renews them, with {@code acme} (the scheduler: the one function that
     * talks to the CA, DESIGN §1); after {@link #domains}, whose DNS and certificate store it uses.
     */
    public FunctionAdapters certificateIssuer(IssuerChoice acme) {
        Domains carried = domains.orElseThrow(() -> new IllegalStateException(
                "the " + function + " function issues certificates for custom domains it does not serve; call domains(...) first"));
        return new FunctionAdapters(function, queue, artifacts, cdn,
                Optional.of(new Domains(carried.dns(), carried.certificates(), Optional.of(acme))), functions, sources);
    }

    /** Runs (and deletes) deployments' functions: on {@code fc} when it is configured; else no function runs here. */
    public FunctionAdapters functionHost(FunctionHostChoice fc) {
        return new FunctionAdapters(function, queue, artifacts, cdn, domains, Optional.of(fc), sources);
    }

    /** Clones repositories for detection (POST /api/v1/detect, /api/v1/import/check): the builder, which carries JGit. */
    public FunctionAdapters sourceFetcher(Supplier<SourceFetcher> git) {
        return new FunctionAdapters(function, queue, artifacts, cdn, domains, functions, Optional.of(git));
    }

    /** A port this function does not carry: every call fails, saying so, rather than reaching a wrong adapter. */
    static <T> T notCarried(Class<T> port, String function, String what) {
        String message = "the " + function + " function does not " + what + " (its jar carries no " + port.getSimpleName()
                + " adapter); this request belongs to another function, see serverless.yaml's domain routes";
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "toString" -> "not carried: " + port.getSimpleName();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new IllegalStateException(message);
                }));
    }
}
