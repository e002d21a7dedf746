package io.miaobu.cdn;

import io.miaobu.aliyun.AcsRpcClient;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.EsaSettings;
import io.miaobu.edge.CachePurger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * CachePurger on Aliyun CDN (RefreshObjectCaches), for operators who put CDN in front: a host's
 * whole cache is refreshed as a directory ({@code https://host/}). CDN allows 100 directories per
 * call (and 100 a day per account by default), so a promote of a project with many hosts costs a few calls.
 * Signed RPC over the JDK's HTTP client ({@link AcsRpcClient}, as ESA): the CDN SDK, its core SDK and the
 * BouncyCastle that core's signer table loads were 9.5 MB of every function jar that publishes.
 */
public final class CdnCachePurger implements CachePurger {
    /** What the functions' role must allow for CDN refresh. */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("CDN refresh", "cdn", "RefreshObjectCaches");

    static final int DIRECTORIES_PER_CALL = 100;

    static final String VERSION = "2018-05-10";

    private final AcsRpcClient cdn;

    /** @param endpoint the API host ({@code cdn.aliyuncs.com}, HTTPS) or a full http(s) URL */
    public CdnCachePurger(String endpoint, Supplier<AliyunCredentials> credentials) {
        this.cdn = new AcsRpcClient("CDN", endpoint, VERSION, credentials);
    }

    /** The CDN purger when MIAOBU_CDN_PURGE=on. */
    public static Optional<CachePurger> from(EsaSettings settings, Supplier<AliyunCredentials> credentials) {
        return settings.cdnPurge() ? Optional.of(new CdnCachePurger(settings.cdnEndpoint(), credentials)) : Optional.empty();
    }

    @Override
    public void purgeHosts(Collection<String> hosts) {
        List<String> dirs = new ArrayList<>();
        for (String host : new LinkedHashSet<>(hosts)) {
            dirs.add("https://" + host + "/");
        }
        refresh(dirs, "Directory", DIRECTORIES_PER_CALL);
    }

    /** Refreshes these URLs ({@code https://host/path}); at most 1000 per call. */
    public void purgeFiles(Collection<String> urls) {
        refresh(new ArrayList<>(new LinkedHashSet<>(urls)), "File", 1000);
    }

    private void refresh(List<String> paths, String type, int perCall) {
        if (paths.isEmpty()) {
            return;
        }
        for (int i = 0; i < paths.size(); i += perCall) {
            try {
                cdn.call("RefreshObjectCaches", Map.of("ObjectPath", String.join("\n", paths.subList(i, Math.min(paths.size(), i + perCall))),
                        "ObjectType", type));
            } catch (AliyunApiException e) {
                throw withQuotaHint(e);
            }
        }
    }

    private static AliyunApiException withQuotaHint(AliyunApiException e) {
        if (!"Throttling.User".equals(e.code()) && !"RefreshQuotaExceeded".equals(e.code())) {
            return e;
        }
        return new AliyunApiException(e.action(), e.status(), e.code(), e.getMessage()
                + " CDN limits refreshes per day (100 directories by default); ask for a higher quota or purge fewer hosts.",
                e.requestId(), e);
    }
}
