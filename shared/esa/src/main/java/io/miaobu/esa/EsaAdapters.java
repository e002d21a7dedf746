package io.miaobu.esa;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.CertificateBinding;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.EdgeSettings;
import io.miaobu.domains.AcmeChallenges;
import io.miaobu.domains.EdgeHostnames;
import io.miaobu.edge.CachePurger;
import io.miaobu.edge.RouteTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The production edge's adapters, chosen by which settings are present (an empty Optional means
 * "use the local adapter"): edge KV routes with MIAOBU_ESA_KV_NAMESPACE; ESA purge and custom
 * hostnames with MIAOBU_ESA_SITE_ID. Credentials are asked for on every call. CAS certificates
 * ({@code io.miaobu.cas.CasCertificateStore.from}) and CDN refresh ({@code io.miaobu.cdn.CdnCachePurger.from})
 * live in their own modules, because their Aliyun SDKs weigh 10-13 MB each and only some functions need them.
 */
public final class EsaAdapters {
    private final EdgeSettings settings;
    private final EsaApi api;

    private EsaAdapters(EdgeSettings settings, Supplier<AliyunCredentials> credentials) {
        this.settings = settings;
        this.api = EsaApi.of(settings.endpoint(), credentials);
    }

    /** The RAM actions of the adapters this class builds, which the functions' role must allow. */
    public static List<RamActions> ramActions() {
        return List.of(EsaRouteTable.RAM_ACTIONS, EsaAcmeChallenges.RAM_ACTIONS, EsaCachePurger.RAM_ACTIONS, EsaEdgeHostnames.RAM_ACTIONS);
    }

    public static EsaAdapters from(EdgeSettings settings, Supplier<AliyunCredentials> credentials) {
        return new EsaAdapters(settings, credentials);
    }

    public Optional<RouteTable> routeTable() {
        return settings.kvNamespace().map(ns -> new EsaRouteTable(api, ns));
    }

    /** HTTP-01 answers beside the routes, where the edge routine serves them from. */
    public Optional<AcmeChallenges> acmeChallenges() {
        return settings.kvNamespace().map(ns -> new EsaAcmeChallenges(api, ns));
    }

    /** ESA purge of the site, followed by {@code also} (e.g. the CDN purger) when given. */
    public Optional<CachePurger> cachePurger(Optional<? extends CachePurger> also) {
        List<CachePurger> purgers = new ArrayList<>();
        settings.siteId().ifPresent(site -> purgers.add(new EsaCachePurger(api, site)));
        also.ifPresent(purgers::add);
        if (purgers.size() <= 1) {
            return purgers.stream().findFirst();
        }
        return Optional.of(hosts -> purgers.forEach(p -> p.purgeHosts(hosts)));
    }

    public Optional<CachePurger> cachePurger() {
        return cachePurger(Optional.empty());
    }

    public Optional<EdgeHostnames> edgeHostnames() {
        return hostnames().map(h -> h);
    }

    /** Where CAS certificates get bound: the site's custom hostnames; NONE without a site. */
    public CertificateBinding certificateBinding() {
        return hostnames().<CertificateBinding>map(h -> h).orElse(CertificateBinding.NONE);
    }

    private Optional<EsaEdgeHostnames> hostnames() {
        return settings.siteId().map(site -> new EsaEdgeHostnames(api, site, settings.edgeTarget(),
                settings.esaManagedCertificates(), settings.casRegion()));
    }
}
