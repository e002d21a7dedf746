package io.miaobu.esa;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.CertificateBinding;
import io.miaobu.cas.CasCertificateStore;
import io.miaobu.cdn.CdnCachePurger;
import io.miaobu.config.EsaSettings;
import io.miaobu.domains.CertificateStore;
import io.miaobu.domains.EdgeHostnames;
import io.miaobu.edge.CachePurger;
import io.miaobu.edge.RouteTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The production edge's adapters, chosen by which settings are present (an empty Optional means
 * "use the local adapter"): edge KV routes with MIAOBU_ESA_KV_NAMESPACE; ESA purge and custom
 * hostnames with MIAOBU_ESA_SITE_ID; CDN refresh as well with MIAOBU_CDN_PURGE=on; certificates in
 * CAS, bound to the ESA custom hostname, with a site and MIAOBU_CERTIFICATES=acme (with
 * esa-managed, ESA issues them and Miaobu stores none). Credentials are asked for on every call.
 */
public final class EsaAdapters {
    private final EsaSettings settings;
    private final Supplier<AliyunCredentials> credentials;
    private final EsaApi api;
    private final Clock clock;

    private EsaAdapters(EsaSettings settings, Supplier<AliyunCredentials> credentials, Clock clock) {
        this.settings = settings;
        this.credentials = credentials;
        this.api = EsaApi.of(settings.endpoint(), credentials);
        this.clock = clock;
    }

    public static EsaAdapters from(EsaSettings settings, Supplier<AliyunCredentials> credentials) {
        return new EsaAdapters(settings, credentials, Clock.systemUTC());
    }

    public Optional<RouteTable> routeTable() {
        return settings.kvNamespace().map(ns -> new EsaRouteTable(api, ns));
    }

    public Optional<CachePurger> cachePurger() {
        List<CachePurger> purgers = new ArrayList<>();
        settings.siteId().ifPresent(site -> purgers.add(new EsaCachePurger(api, site)));
        if (settings.cdnPurge()) {
            purgers.add(new CdnCachePurger(settings.cdnEndpoint(), credentials));
        }
        if (purgers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(purgers.size() == 1 ? purgers.get(0) : hosts -> purgers.forEach(p -> p.purgeHosts(hosts)));
    }

    public Optional<EdgeHostnames> edgeHostnames() {
        return hostnames().map(h -> h);
    }

    public Optional<CertificateStore> certificateStore() {
        if (settings.esaManagedCertificates()) {
            return Optional.empty();
        }
        CertificateBinding binding = hostnames().<CertificateBinding>map(h -> h).orElse(CertificateBinding.NONE);
        return settings.siteId().map(s -> new CasCertificateStore(settings.casEndpoint(), credentials, binding, clock));
    }

    private Optional<EsaEdgeHostnames> hostnames() {
        return settings.siteId().map(site -> new EsaEdgeHostnames(api, site, settings.edgeTarget(),
                settings.esaManagedCertificates(), settings.casRegion()));
    }
}
