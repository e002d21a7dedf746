package io.miaobu.functions.api;

import io.miaobu.cas.CasCertificateStore;
import io.miaobu.cdn.CdnCachePurger;
import io.miaobu.dns.DnsJavaLookup;
import io.miaobu.fc.FcFunctionHost;
import io.miaobu.functions.FunctionAdapters;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.mns.MnsJobQueue;
import io.miaobu.oss.OssArtifactStore;
import io.miaobu.http.server.DashboardAssets;

/**
 * FC HTTP function: the dashboard REST API, and the dashboard itself (the app domain's {@code /*}
 * route comes here). Serves the one shared router, so every path answers as in local mode.
 */
public final class ApiFunction {
    /** Shown at {@code /} by a jar packaged without frontend/dist (the release builds it first). */
    private static final String NO_DASHBOARD = "<!doctype html><title>Miaobu</title><p>This api function was packaged without "
            + "the dashboard: run <code>./miaobu fc package</code>, which builds frontend/dist first, and deploy again.</p>";

    /**
     * Every dashboard route: enqueues builds (create, redeploy), stores folder uploads and deletes sites,
     * publishes (promote, rollback) and serves custom domains. Detection needs JGit: the builder serves it.
     */
    public static final FunctionAdapters ADAPTERS = FunctionAdapters.none("api")
            .jobQueue(MnsJobQueue::from)
            .artifactStore(OssArtifactStore::from)
            .cachePurger(CdnCachePurger::from)
            .domains(DnsJavaLookup::create, CasCertificateStore::from)
            .functionHost(FcFunctionHost::from);

    private ApiFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main(ADAPTERS, platform -> new DashboardAssets(platform.router(), NO_DASHBOARD));
    }
}
