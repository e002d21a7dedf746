package io.miaobu.oss;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSErrorCode;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.ServiceException;
import com.aliyun.oss.common.auth.Credentials;
import com.aliyun.oss.common.auth.CredentialsProvider;
import com.aliyun.oss.common.auth.DefaultCredentials;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.CompleteMultipartUploadRequest;
import com.aliyun.oss.model.CopyObjectRequest;
import com.aliyun.oss.model.DeleteObjectsRequest;
import com.aliyun.oss.model.InitiateMultipartUploadRequest;
import com.aliyun.oss.model.ListObjectsV2Request;
import com.aliyun.oss.model.ListObjectsV2Result;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.OSSObjectSummary;
import com.aliyun.oss.model.ObjectMetadata;
import com.aliyun.oss.model.PartETag;
import com.aliyun.oss.model.UploadPartRequest;
import com.aliyun.oss.model.AbortMultipartUploadRequest;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.AliyunSettings;
import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ArtifactStore on one OSS bucket (DESIGN §3). Keys are the object names as they are
 * ({@code sites/{projectId}/{deploymentId}/...}); every object gets its Content-Type and a
 * Cache-Control for whoever caches the origin (ESA, CDN): deployment files never change under their
 * key, so they are immutable for a year; everything else (build cache archives) is not cached.
 *
 * <p>Credentials come from the supplier on every request: on FC they are the function role's STS
 * credentials of the latest invocation, which rotate. Large files go up in parts; copies never pass
 * through this process (CopyObject); prefix deletes use DeleteObjects, 1000 keys a call.
 */
public final class OssArtifactStore implements ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(OssArtifactStore.class);
    /**
     * What the functions' role must allow on the bucket: each OSS operation this store sends and the RAM
     * action(s) it needs (multipart steps are oss:PutObject; a copy reads the source and writes the target).
     */
    public static final RamActions RAM_ACTIONS = new RamActions("OSS artifact store", Map.ofEntries(
            Map.entry("PutObject", Set.of("oss:PutObject")),
            Map.entry("InitiateMultipartUpload", Set.of("oss:PutObject")),
            Map.entry("UploadPart", Set.of("oss:PutObject")),
            Map.entry("CompleteMultipartUpload", Set.of("oss:PutObject")),
            Map.entry("AbortMultipartUpload", Set.of("oss:AbortMultipartUpload")),
            Map.entry("GetObject", Set.of("oss:GetObject")),
            Map.entry("HeadObject", Set.of("oss:GetObject")),
            Map.entry("CopyObject", Set.of("oss:GetObject", "oss:PutObject")),
            Map.entry("ListObjectsV2", Set.of("oss:ListObjects")),
            Map.entry("DeleteObject", Set.of("oss:DeleteObject")),
            Map.entry("DeleteObjects", Set.of("oss:DeleteObject"))));

    /** Sizes of multipart uploads: files from {@code threshold} bytes up go in parts of {@code partSize}. */
    public record Multipart(long threshold, long partSize) {
        public Multipart {
            if (partSize < 100 * 1024) {
                throw new IllegalArgumentException("OSS parts must be at least 100 KiB, got " + partSize);
            }
        }

        public static final Multipart DEFAULT = new Multipart(32L * 1024 * 1024, 8L * 1024 * 1024);
    }

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String NOT_CACHED = "no-cache";
    private static final int DELETE_BATCH = DeleteObjectsRequest.DELETE_OBJECTS_ONETIME_LIMIT;
    private static final int LIST_PAGE = 1000;

    private final Supplier<OSS> clients;
    private volatile OSS client;
    private final String bucket;
    private final Multipart multipart;

    /** The OSS store when MIAOBU_OSS_BUCKET is set; empty otherwise (the directory under the data dir serves then). */
    public static Optional<ArtifactStore> from(AliyunSettings aliyun, Supplier<AliyunCredentials> credentials) {
        return aliyun.ossBucket().map(bucket -> {
            LOG.info("artifacts in OSS bucket {} at {}", bucket, aliyun.ossEndpointOrDefault().orElseThrow());
            return new OssArtifactStore(aliyun.ossEndpointOrDefault().orElseThrow(), aliyun.region().orElseThrow(), bucket,
                    credentials);
        });
    }

    public OssArtifactStore(String endpoint, String region, String bucket, Supplier<AliyunCredentials> credentials) {
        this(endpoint, region, bucket, credentials, Multipart.DEFAULT);
    }

    /**
     * @param region the bucket's region id ({@code cn-hangzhou}): requests are signed with signature
     *     V4 for it, as OSS requires of accounts created since 2025-03-01 and of buckets created since
     *     2025-09-01 (OSS "Include a V4 signature in the header"); the SDK's default is still V1
     */
    public OssArtifactStore(String endpoint, String region, String bucket, Supplier<AliyunCredentials> credentials, Multipart multipart) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
        this.multipart = multipart;
        ClientBuilderConfiguration config = new ClientBuilderConfiguration();
        config.setSignatureVersion(SignVersion.V4);
        config.setMaxConnections(64); // builds upload in parallel
        config.setMaxErrorRetry(3);
        // An emulator or test server on a name outside aliyuncs.com would otherwise be taken for a CNAME of the bucket.
        config.setSupportCname(false);
        config.setSLDEnabled(!endpoint.contains(".aliyuncs.com"));
        // Made on first use: a function that never touches storage pays nothing for it at cold start.
        this.clients = () -> OSSClientBuilder.create().endpoint(endpoint).region(region)
                .credentialsProvider(new PerRequestCredentials(credentials)).clientConfiguration(config).build();
    }

    private OSS client() {
        OSS c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = client = clients.get();
                }
            }
        }
        return c;
    }

    @Override
    public void put(String key, Path source, String contentType) throws IOException {
        long size = Files.size(source);
        ObjectMetadata meta = metadata(key, contentType);
        call(() -> {
            if (size >= multipart.threshold()) {
                putInParts(key, source, size, meta);
            } else {
                meta.setContentLength(size);
                try (InputStream in = Files.newInputStream(source)) {
                    client().putObject(bucket, key, in, meta);
                }
            }
            return null;
        });
    }

    private void putInParts(String key, Path source, long size, ObjectMetadata meta) throws IOException {
        String uploadId = client().initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, key, meta)).getUploadId();
        try {
            List<PartETag> parts = new ArrayList<>();
            long offset = 0;
            for (int number = 1; offset < size; number++) {
                long length = Math.min(multipart.partSize(), size - offset);
                try (InputStream in = Files.newInputStream(source)) {
                    in.skipNBytes(offset);
                    UploadPartRequest part = new UploadPartRequest(bucket, key, uploadId, number, in, length);
                    parts.add(client().uploadPart(part).getPartETag());
                }
                offset += length;
            }
            client().completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, key, uploadId, parts));
        } catch (RuntimeException | IOException e) {
            try {
                client().abortMultipartUpload(new AbortMultipartUploadRequest(bucket, key, uploadId));
            } catch (RuntimeException abort) {
                e.addSuppressed(abort); // the bucket's lifecycle rule removes parts left behind
            }
            throw e;
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        try {
            OSSObject object = call(() -> client().getObject(bucket, key));
            return Optional.of(object.getObjectContent());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** CopyObject with the target's own metadata (a stored blob has none of a web file's headers). */
    @Override
    public void copy(String from, String to, String contentType) throws IOException {
        CopyObjectRequest request = new CopyObjectRequest(bucket, from, bucket, to);
        request.setNewObjectMetadata(metadata(to, contentType));
        try {
            call(() -> client().copyObject(request));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(from);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        return call(() -> client().doesObjectExist(bucket, key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        requireFolder(prefix);
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request request = new ListObjectsV2Request(bucket, prefix).withMaxKeys(LIST_PAGE);
            request.setContinuationToken(token);
            ListObjectsV2Result page = call(() -> client().listObjectsV2(request));
            for (OSSObjectSummary summary : page.getObjectSummaries()) {
                keys.add(summary.getKey());
            }
            token = page.isTruncated() ? page.getNextContinuationToken() : null;
        } while (token != null);
        return keys;
    }

    @Override
    public int deletePrefix(String prefix) throws IOException {
        List<String> keys = list(prefix);
        int deleted = 0;
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH));
            DeleteObjectsRequest request = new DeleteObjectsRequest(bucket).withKeys(new ArrayList<>(batch)).withQuiet(true);
            call(() -> client().deleteObjects(request));
            deleted += batch.size();
        }
        return deleted;
    }

    public void close() {
        OSS c = client;
        if (c != null) {
            c.shutdown();
        }
    }

    private static ObjectMetadata metadata(String key, String contentType) {
        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentType(contentType == null ? "application/octet-stream" : contentType);
        meta.setCacheControl(cacheControl(key));
        return meta;
    }

    /** Files of a deployment (and stored content) never change under their key; build cache archives do. */
    static String cacheControl(String key) {
        return key.startsWith("sites/") ? IMMUTABLE : NOT_CACHED;
    }

    private static void requireFolder(String prefix) {
        if (prefix.isEmpty() || !prefix.endsWith("/") || Arrays.asList(prefix.split("/")).contains("..")) {
            throw new IllegalArgumentException("prefix must name a folder ending in /: " + prefix);
        }
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    /** OSS errors as IOExceptions: a missing object is a NoSuchFileException, anything else names the key and request id. */
    private static <T> T call(Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (OSSException e) {
            if (OSSErrorCode.NO_SUCH_KEY.equals(e.getErrorCode())) {
                throw new NoSuchFileException(e.getErrorMessage());
            }
            throw new IOException("OSS " + e.getErrorCode() + ": " + e.getErrorMessage() + " (request " + e.getRequestId() + ")", e);
        } catch (ServiceException | com.aliyun.oss.ClientException e) {
            throw new IOException("OSS request failed: " + e.getMessage(), e);
        }
    }

    /** Asks the supplier for every request the SDK signs: STS credentials rotate between invocations. */
    private record PerRequestCredentials(Supplier<AliyunCredentials> supplier) implements CredentialsProvider {
        @Override
        public void setCredentials(Credentials creds) {
            throw new UnsupportedOperationException("credentials come from the invocation");
        }

        @Override
        public Credentials getCredentials() {
            AliyunCredentials c = supplier.get();
            return new DefaultCredentials(c.accessKeyId(), c.accessKeySecret(), c.securityToken().orElse(null));
        }
    }
}
