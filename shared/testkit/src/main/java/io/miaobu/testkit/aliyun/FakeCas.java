package io.miaobu.testkit.aliyun;

import io.miaobu.aliyun.AliyunCredentials;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CAS's RPC API (2020-04-07) for tests: uploaded certificates (the PEM chain is parsed, so a
 * malformed one is refused and the end date is the certificate's own), listed by keyword, deleted.
 * Names are unique and at most 63 characters, as CAS's UploadUserCertificate page says of {@code Name}
 * ("The maximum length is 63 characters"); the page names no error code for a longer one, so the fake
 * answers {@code InvalidParameter}.
 */
public final class FakeCas extends FakeAliyunRpc {
    public static final String VERSION = "2020-04-07";
    static final int MAX_NAME = 63;

    private final Map<Long, Stored> certificates = new ConcurrentSkipListMap<>();
    private final AtomicLong ids = new AtomicLong(14_000_000);

    public record Stored(long id, String name, String certificate, String privateKey, long endTimeMillis, String commonName) {}

    public FakeCas(AliyunCredentials credentials) {
        super(VERSION, credentials);
    }

    public List<Stored> certificates() {
        return List.copyOf(certificates.values());
    }

    public Optional<Stored> certificate(long id) {
        return Optional.ofNullable(certificates.get(id));
    }

    @Override
    protected Map<String, Object> handle(String action, Map<String, String> p) {
        return switch (action) {
            case "UploadUserCertificate" -> {
                String name = required(p, "Name");
                String cert = required(p, "Cert");
                String key = required(p, "Key");
                if (name.length() > MAX_NAME) {
                    throw new RpcError(400, "InvalidParameter", "The certificate name cannot be longer than " + MAX_NAME
                            + " characters: " + name);
                }
                if (certificates.values().stream().anyMatch(s -> s.name().equals(name))) {
                    throw new RpcError(400, "NameRepeat", "The certificate name already exists.");
                }
                if (!key.contains("-----BEGIN") || !key.contains("PRIVATE KEY-----")) {
                    throw new RpcError(400, "InvalidPrivateKey", "The private key is not a PEM private key.");
                }
                X509Certificate x509;
                try {
                    x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificates(new ByteArrayInputStream(cert.getBytes(StandardCharsets.US_ASCII))).iterator().next();
                } catch (CertificateException | RuntimeException e) {
                    throw new RpcError(400, "InvalidCertificate", "The certificate is not a PEM X.509 certificate.");
                }
                long id = ids.incrementAndGet();
                certificates.put(id, new Stored(id, name, cert, key, x509.getNotAfter().getTime(),
                        x509.getSubjectX500Principal().getName().replaceAll(".*CN=([^,]*).*", "$1")));
                yield Map.of("CertId", id);
            }
            case "ListUserCertificateOrder" -> {
                if (!"UPLOAD".equals(p.get("OrderType"))) {
                    throw new RpcError(400, "InvalidParameter.OrderType", "This fake only lists uploaded certificates.");
                }
                String keyword = p.getOrDefault("Keyword", "");
                int page = Integer.parseInt(p.getOrDefault("CurrentPage", "1"));
                int size = Integer.parseInt(p.getOrDefault("ShowSize", "50"));
                List<Map<String, Object>> matching = new ArrayList<>();
                for (Stored s : certificates.values()) {
                    if (s.name().contains(keyword) || s.commonName().contains(keyword)) {
                        Map<String, Object> item = new LinkedHashMap<>();
                        item.put("CertificateId", s.id());
                        item.put("Name", s.name());
                        item.put("CommonName", s.commonName());
                        item.put("CertEndTime", s.endTimeMillis());
                        item.put("Upload", true);
                        item.put("SourceType", "upload");
                        matching.add(item);
                    }
                }
                List<Map<String, Object>> pageItems = matching.subList(Math.min(matching.size(), (page - 1) * size),
                        Math.min(matching.size(), page * size));
                yield Map.of("CertificateOrderList", pageItems, "TotalCount", matching.size(), "CurrentPage", page, "ShowSize", size);
            }
            case "DeleteUserCertificate" -> {
                long id = Long.parseLong(required(p, "CertId"));
                if (certificates.remove(id) == null) {
                    throw new RpcError(400, "CertNotExist", "The certificate does not exist.");
                }
                yield Map.of();
            }
            default -> throw new RpcError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        };
    }
}
