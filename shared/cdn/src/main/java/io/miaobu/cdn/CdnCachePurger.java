package io.miaobu.cdn;

import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.auth.AlibabaCloudCredentials;
import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.cdn.model.v20180510.RefreshObjectCachesRequest;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ServerException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.EdgeSettings;
import io.miaobu.edge.CachePurger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * CachePurger on Aliyun CDN (RefreshObjectCaches), for operators who put CDN in front: a host's
 * whole cache is refreshed as a directory ({@code https://host/}). CDN allows 100 directories per
 * call (and 100 a day per account by default), so a promote of a project with many hosts costs a few calls.
 */
public final class CdnCachePurger implements CachePurger {
    /** What the functions' role must allow for CDN refresh. */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("CDN refresh", "cdn", "RefreshObjectCaches");

    static final int DIRECTORIES_PER_CALL = 100;

    private final URI endpoint;
    private final Supplier<AliyunCredentials> credentials;

    /** @param endpoint the API host ({@code cdn.aliyuncs.com}, HTTPS) or a full http(s) URL */
    public CdnCachePurger(String endpoint, Supplier<AliyunCredentials> credentials) {
        String e = endpoint.trim().replaceAll("/+$", "");
        this.endpoint = URI.create(e.contains("://") ? e : "https://" + e);
        this.credentials = credentials;
    }

    /** The CDN purger when MIAOBU_CDN_PURGE=on. */
    public static Optional<CachePurger> from(EdgeSettings settings, Supplier<AliyunCredentials> credentials) {
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
        AliyunCredentials creds = credentials.get();
        AlibabaCloudCredentials sdkCredentials = creds.securityToken()
                .<AlibabaCloudCredentials>map(token -> new BasicSessionCredentials(creds.accessKeyId(), creds.accessKeySecret(), token))
                .orElseGet(() -> new BasicCredentials(creds.accessKeyId(), creds.accessKeySecret()));
        DefaultAcsClient client = new DefaultAcsClient(DefaultProfile.getProfile("cn-hangzhou"), new StaticCredentialsProvider(sdkCredentials));
        try {
            for (int i = 0; i < paths.size(); i += perCall) {
                RefreshObjectCachesRequest request = new RefreshObjectCachesRequest();
                request.setSysEndpoint(endpoint.getAuthority());
                request.setSysProtocol(endpoint.getScheme().equals("http") ? ProtocolType.HTTP : ProtocolType.HTTPS);
                request.setObjectPath(String.join("\n", paths.subList(i, Math.min(paths.size(), i + perCall))));
                request.setObjectType(type);
                try {
                    client.getAcsResponse(request);
                } catch (ServerException e) {
                    throw failure(e, 500);
                } catch (ClientException e) {
                    throw failure(e, 400);
                }
            }
        } finally {
            client.shutdown();
        }
    }

    private static AliyunApiException failure(ClientException e, int status) {
        String hint = "Throttling.User".equals(e.getErrCode()) || "RefreshQuotaExceeded".equals(e.getErrCode())
                ? " CDN limits refreshes per day (100 directories by default); ask for a higher quota or purge fewer hosts." : "";
        return new AliyunApiException("RefreshObjectCaches", status, e.getErrCode(), "CDN RefreshObjectCaches failed with "
                + e.getErrCode() + ": " + e.getErrMsg() + hint + (e.getRequestId() == null ? "" : " [request id " + e.getRequestId() + "]"),
                e.getRequestId(), e);
    }
}
