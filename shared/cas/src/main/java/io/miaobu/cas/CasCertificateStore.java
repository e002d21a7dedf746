package io.miaobu.cas;

import io.miaobu.Sha256;
import com.aliyun.cas20200407.Client;
import com.aliyun.cas20200407.models.DeleteUserCertificateRequest;
import com.aliyun.cas20200407.models.ListUserCertificateOrderRequest;
import com.aliyun.cas20200407.models.ListUserCertificateOrderResponseBody.ListUserCertificateOrderResponseBodyCertificateOrderList;
import com.aliyun.cas20200407.models.UploadUserCertificateRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.CertificateBinding;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.EdgeSettings;
import io.miaobu.domains.CertificateStore;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * CertificateStore on CAS (SSL Certificates Service, API 2020-04-07). Each upload is named
 * {@code {stem}-{yyyyMMddHHmmss}}, so the hostname's certificates are found again by name; CAS caps a
 * name at 63 characters (UploadUserCertificate, {@code Name}), so the stem is the hostname when that
 * fits and otherwise its first 39 characters, {@code _} and 8 hex digits of its SHA-256 (see
 * {@link #stem}). A
 * renewal uploads the new certificate, binds it to the edge hostname, and only then deletes the
 * old ones: a failure at any step leaves the working certificate in place (and removes the new
 * upload when the bind failed).
 */
public final class CasCertificateStore implements CertificateStore {
    /** What the functions' role must allow; CAS's RAM code is yundun-cert (CAS API reference, authorization). */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("CAS certificates", "yundun-cert",
            "UploadUserCertificate", "ListUserCertificateOrder", "DeleteUserCertificate");

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final Pattern SUFFIX = Pattern.compile("-[0-9]{14}");
    /** UploadUserCertificate: "Name ... The maximum length is 63 characters." */
    static final int MAX_NAME = 63;
    private static final int HASH_DIGITS = 8;

    private final URI endpoint;
    private final Supplier<AliyunCredentials> credentials;
    private final CertificateBinding binding;
    private final Clock clock;

    /** @param endpoint the API host ({@code cas.aliyuncs.com}, HTTPS) or a full http(s) URL */
    public CasCertificateStore(String endpoint, Supplier<AliyunCredentials> credentials, CertificateBinding binding, Clock clock) {
        String e = endpoint.trim().replaceAll("/+$", "");
        this.endpoint = URI.create(e.contains("://") ? e : "https://" + e);
        this.credentials = credentials;
        this.binding = binding;
        this.clock = clock;
    }

    /**
     * The CAS store when Miaobu issues certificates itself (MIAOBU_CERTIFICATES=acme) for an ESA site;
     * empty with ESA-managed certificates (ESA keeps them) or without a site (the local PEM store then).
     */
    public static Optional<CertificateStore> from(EdgeSettings settings, Supplier<AliyunCredentials> credentials, CertificateBinding binding) {
        return from(settings, credentials, binding, Clock.systemUTC());
    }

    /** As above, with the clock that stamps certificate names. */
    public static Optional<CertificateStore> from(EdgeSettings settings, Supplier<AliyunCredentials> credentials, CertificateBinding binding,
                                                  Clock clock) {
        if (settings.esaManagedCertificates() || settings.siteId().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CasCertificateStore(settings.casEndpoint(), credentials, binding, clock));
    }

    @Override
    public StoredCertificate put(String hostname, String certificateChainPem, String privateKeyPem, Instant notAfter) {
        String host = normal(hostname);
        List<Uploaded> previous = list(host);
        String name = stem(host) + "-" + STAMP.format(clock.instant());
        Long id = call("UploadUserCertificate", client -> client.uploadUserCertificate(new UploadUserCertificateRequest()
                .setName(name).setCert(certificateChainPem).setKey(privateKeyPem)).getBody().getCertId());
        try {
            binding.bind(host, String.valueOf(id));
        } catch (RuntimeException e) {
            try {
                delete(id);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        for (Uploaded old : previous) {
            if (old.id() != id) {
                delete(old.id());
            }
        }
        return new StoredCertificate(host, String.valueOf(id), notAfter);
    }

    @Override
    public Optional<StoredCertificate> get(String hostname) {
        String host = normal(hostname);
        return list(host).stream().max(Comparator.comparing(Uploaded::name))
                .map(u -> new StoredCertificate(host, String.valueOf(u.id()), u.notAfter()));
    }

    @Override
    public void delete(String hostname) {
        String host = normal(hostname);
        List<Uploaded> uploaded = list(host);
        if (uploaded.isEmpty()) {
            return;
        }
        binding.unbind(host);
        for (Uploaded u : uploaded) {
            delete(u.id());
        }
    }

    private record Uploaded(long id, String name, Instant notAfter) {}

    /**
     * What a hostname's certificate names start with, before {@code -{stamp}}: the hostname itself when
     * the name fits in {@link #MAX_NAME} characters (names of earlier releases are found again), else
     * the hostname's first 39 characters, {@code _} and the first 8 hex digits of its SHA-256. Hostnames
     * have no {@code _}, so a shortened stem never equals another hostname's own.
     */
    static String stem(String host) {
        int stamp = 1 + 14;
        if (host.length() + stamp <= MAX_NAME && host.indexOf('_') < 0) {
            return host;
        }
        int keep = MAX_NAME - stamp - 1 - HASH_DIGITS;
        return host.substring(0, Math.min(keep, host.length())) + "_" + Sha256.hex(host).substring(0, HASH_DIGITS);
    }

    /** The hostname's uploads: names are its stem plus a 14-digit stamp (a keyword search also finds subdomains' names). */
    private List<Uploaded> list(String hostname) {
        String host = stem(hostname);
        List<Uploaded> out = new ArrayList<>();
        for (long page = 1; ; page++) {
            long current = page;
            var body = call("ListUserCertificateOrder", client -> client.listUserCertificateOrder(new ListUserCertificateOrderRequest()
                    .setOrderType("UPLOAD").setKeyword(host).setCurrentPage(current).setShowSize(50L)).getBody());
            List<ListUserCertificateOrderResponseBodyCertificateOrderList> items =
                    body.getCertificateOrderList() == null ? List.of() : body.getCertificateOrderList();
            for (var item : items) {
                String name = item.getName() == null ? "" : item.getName();
                if (name.startsWith(host) && SUFFIX.matcher(name.substring(host.length())).matches()) {
                    Instant notAfter = item.getCertEndTime() == null ? Instant.EPOCH : Instant.ofEpochMilli(item.getCertEndTime());
                    out.add(new Uploaded(item.getCertificateId(), name, notAfter));
                }
            }
            long total = body.getTotalCount() == null ? 0 : body.getTotalCount();
            if (items.isEmpty() || page * 50 >= total) {
                return out;
            }
        }
    }

    private void delete(long id) {
        call("DeleteUserCertificate", client -> client.deleteUserCertificate(new DeleteUserCertificateRequest().setCertId(id)));
    }

    private interface Action<T> {
        T run(Client client) throws Exception;
    }

    private <T> T call(String action, Action<T> action0) {
        AliyunCredentials creds = credentials.get();
        try {
            Config config = new Config()
                    .setAccessKeyId(creds.accessKeyId())
                    .setAccessKeySecret(creds.accessKeySecret())
                    .setSecurityToken(creds.securityToken().orElse(null))
                    .setEndpoint(endpoint.getAuthority())
                    .setProtocol(endpoint.getScheme().toUpperCase(Locale.ROOT))
                    .setReadTimeout(30_000)
                    .setConnectTimeout(10_000);
            return action0.run(new Client(config));
        } catch (TeaException e) {
            int status = e.getStatusCode() == null ? 0 : e.getStatusCode();
            throw new AliyunApiException(action, status, e.getCode(), "CAS " + action + " failed with " + e.getCode()
                    + " (HTTP " + status + "): " + e.getMessage(), null, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AliyunApiException(action, 0, "ClientError", "CAS " + action + " failed: " + e, null, e);
        }
    }

    private static String normal(String hostname) {
        return hostname.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
    }
}
