package io.miaobu.oss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.comm.SignVersion;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.store.ArtifactStore;
import io.miaobu.testkit.ArtifactStoreContract;
import io.miaobu.testkit.aliyun.FakeOss;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OSS store against {@link FakeOss}, which, like a bucket created today, accepts only signature
 * V4 for its region, recomputes every request's signature from the secret and checks the STS token:
 * the ArtifactStore contract, plus what only OSS has (headers, parts, batch deletes, pages, rotating
 * credentials).
 */
class OssArtifactStoreTest extends ArtifactStoreContract {
    private static final AliyunCredentials FIRST = new AliyunCredentials("STS.first", "first-secret", Optional.of("token-1"));
    private static final AliyunCredentials SECOND = new AliyunCredentials("STS.second", "second-secret", Optional.of("token-2"));

    private static final String REGION = "cn-hangzhou";

    private static FakeOss oss;
    private static final AtomicReference<AliyunCredentials> current = new AtomicReference<>(FIRST);
    private static final AtomicInteger asked = new AtomicInteger();
    private static OssArtifactStore store;

    @BeforeAll
    static void start() throws IOException {
        oss = FakeOss.start("miaobu-test", REGION, FIRST).pageSize(3);
        // Parts from 200 KiB, of 100 KiB (the least OSS allows), so a multipart upload is cheap to test.
        store = new OssArtifactStore(oss.endpoint(), REGION, oss.bucket(), () -> {
            asked.incrementAndGet();
            return current.get();
        }, new OssArtifactStore.Multipart(200 * 1024, 100 * 1024));
    }

    @AfterAll
    static void stop() {
        assertThat(oss.rejected()).as("requests the fake refused").isEmpty();
        store.close();
        oss.close();
    }

    @Override
    protected ArtifactStore store() {
        return store;
    }

    @Test
    void deployment_files_are_stored_with_their_content_type_and_an_immutable_cache_control() throws IOException {
        store.put(site("d1", "index.html"), file("index", "<h1>x</h1>"), "text/html; charset=utf-8");
        store.copy(site("d1", "index.html"), site("d2", "index.html"), "text/html; charset=utf-8");
        store.put("cache/" + project + "/production.tar.gz", file("cache", "archive"), "application/gzip");

        FakeOss.StoredObject put = oss.object(site("d1", "index.html")).orElseThrow();
        assertThat(put.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(put.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        FakeOss.StoredObject copied = oss.object(site("d2", "index.html")).orElseThrow();
        assertThat(copied.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(copied.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        assertThat(oss.object("cache/" + project + "/production.tar.gz").orElseThrow().cacheControl()).isEqualTo("no-cache");
    }

    @Test
    void a_copy_is_made_by_the_server_without_the_bytes_passing_through() throws IOException {
        String blob = "sites/" + project + "/_blobs/" + "ef".repeat(32);
        store.put(blob, file("blob", "x".repeat(50_000)), "application/octet-stream");
        oss.clearCalls();

        store.copy(blob, site("d1", "big.txt"), "text/plain; charset=utf-8");

        assertThat(oss.calls()).singleElement().satisfies(call -> {
            assertThat(call.operation()).isEqualTo("CopyObject");
            assertThat(call.bodyBytes()).isZero();
        });
        assertThat(oss.object(site("d1", "big.txt")).orElseThrow().contentType()).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void a_large_file_goes_up_in_parts_and_arrives_whole() throws IOException {
        byte[] content = new byte[450 * 1024];
        new Random(7).nextBytes(content);
        Path big = Files.write(files.resolve("big.bin"), content);
        oss.clearCalls();

        store.put(site("d1", "video.mp4"), big, "video/mp4");

        assertThat(oss.calls().stream().map(FakeOss.Call::operation)).containsExactly("InitiateMultipartUpload",
                "UploadPart", "UploadPart", "UploadPart", "UploadPart", "UploadPart", "CompleteMultipartUpload");
        FakeOss.StoredObject stored = oss.object(site("d1", "video.mp4")).orElseThrow();
        assertThat(stored.content()).isEqualTo(content);
        assertThat(stored.contentType()).isEqualTo("video/mp4");
        assertThat(stored.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
    }

    @Test
    void deleting_a_prefix_of_thousands_of_objects_takes_one_call_per_thousand() throws IOException {
        Path one = file("one", "1");
        store.put(site("many", "seed.txt"), one, "text/plain");
        for (int i = 0; i < 1199; i++) {
            store.copy(site("many", "seed.txt"), site("many", "f" + i + ".txt"), "text/plain");
        }
        oss.pageSize(1000);
        oss.clearCalls();

        assertThat(store.deletePrefix("sites/" + project + "/many/")).isEqualTo(1200);

        assertThat(oss.calls().stream().filter(c -> c.operation().equals("DeleteObjects"))).hasSize(2);
        assertThat(oss.calls().stream().filter(c -> c.operation().equals("ListObjectsV2"))).hasSize(2);
        assertThat(oss.keys("sites/" + project + "/many/")).isEmpty();
        oss.pageSize(3);
    }

    @Test
    void listing_follows_continuation_tokens_across_pages() throws IOException {
        for (int i = 0; i < 10; i++) {
            store.put(site("paged", "f" + i), file("f", "" + i), "text/plain");
        }
        oss.clearCalls();
        assertThat(store.list("sites/" + project + "/paged/")).hasSize(10);
        assertThat(oss.calls().stream().filter(c -> c.operation().equals("ListObjectsV2"))).hasSize(4); // pages of 3
    }

    @Test
    void credentials_are_asked_for_on_every_request_so_rotated_sts_credentials_take_effect() throws IOException {
        store.put(site("d1", "a.txt"), file("a", "a"), "text/plain");
        int before = asked.get();
        oss.accept(SECOND);
        current.set(SECOND);
        oss.revoke(FIRST.accessKeyId());
        try {
            store.put(site("d1", "b.txt"), file("b", "b"), "text/plain");
            assertThat(read(site("d1", "b.txt"))).isEqualTo("b");
            assertThat(asked.get() - before).isGreaterThanOrEqualTo(2);
        } finally {
            oss.accept(FIRST);
            current.set(FIRST);
        }
    }

    @Test
    void a_wrong_secret_or_a_missing_security_token_is_refused_by_the_server() throws IOException {
        int rejectedBefore = oss.rejected().size();
        OssArtifactStore wrongSecret = new OssArtifactStore(oss.endpoint(), REGION, oss.bucket(),
                () -> new AliyunCredentials(FIRST.accessKeyId(), "not-the-secret", FIRST.securityToken()));
        OssArtifactStore noToken = new OssArtifactStore(oss.endpoint(), REGION, oss.bucket(),
                () -> new AliyunCredentials(FIRST.accessKeyId(), FIRST.accessKeySecret(), Optional.empty()));
        try {
            assertThatThrownBy(() -> wrongSecret.put(site("d1", "x.txt"), file("x", "x"), "text/plain"))
                    .isInstanceOf(IOException.class).hasMessageContaining("SignatureDoesNotMatch");
            assertThatThrownBy(() -> noToken.exists(site("d1", "x.txt"))).isInstanceOf(IOException.class);
            assertThat(oss.object(site("d1", "x.txt"))).isEmpty();
            assertThat(oss.rejected().size() - rejectedBefore).isGreaterThanOrEqualTo(2);
        } finally {
            wrongSecret.close();
            noToken.close();
            // These refusals were the point of this test; the check in stop() is for every other request.
            oss.clearRejected();
        }
    }

    @Test
    void every_request_is_signed_with_v4_for_the_region_of_the_bucket() throws IOException {
        oss.clearCalls();
        store.put(site("v4", "index.html"), file("index", "<h1>v4</h1>"), "text/html");
        assertThat(read(site("v4", "index.html"))).isEqualTo("<h1>v4</h1>");

        assertThat(oss.calls()).isNotEmpty().allSatisfy(call -> assertThat(call.signature()).isEqualTo("OSS4-HMAC-SHA256"));
    }

    @Test
    void a_client_signing_with_v1_the_sdk_default_is_refused_as_aliyun_refuses_it_for_new_accounts_and_buckets() {
        ClientBuilderConfiguration v1 = new ClientBuilderConfiguration();
        v1.setSignatureVersion(SignVersion.V1);
        v1.setSupportCname(false);
        v1.setSLDEnabled(true);
        v1.setMaxErrorRetry(0);
        OSS client = new OSSClientBuilder().build(oss.endpoint(), FIRST.accessKeyId(), FIRST.accessKeySecret(),
                FIRST.securityToken().orElseThrow(), v1);
        try {
            assertThatThrownBy(() -> client.putObject(oss.bucket(), site("v1", "a.txt"), new ByteArrayInputStream(new byte[] {1})))
                    .isInstanceOfSatisfying(OSSException.class, e -> assertThat(e.getErrorCode()).isEqualTo("AccessDenied"));
            assertThat(oss.object(site("v1", "a.txt"))).isEmpty();
        } finally {
            client.shutdown();
            oss.clearRejected();
        }
    }

    @Test
    void an_anonymous_request_to_the_private_bucket_is_refused() throws Exception {
        store.put(site("anon", "index.html"), file("index", "secret"), "text/html");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(oss.endpoint() + "/" + oss.bucket() + "/" + site("anon", "index.html"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        oss.clearRejected();

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>AccessDenied</Code>").doesNotContain("secret");
    }

    @Test
    void a_request_signed_for_another_region_is_refused() throws IOException {
        OssArtifactStore elsewhere = new OssArtifactStore(oss.endpoint(), "cn-shanghai", oss.bucket(), current::get);
        try {
            assertThatThrownBy(() -> elsewhere.exists(site("d1", "index.html"))).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> elsewhere.put(site("region", "x.txt"), file("x", "x"), "text/plain"))
                    .isInstanceOf(IOException.class).hasMessageContaining("SignatureDoesNotMatch");
            assertThat(oss.object(site("region", "x.txt"))).isEmpty();
        } finally {
            elsewhere.close();
            oss.clearRejected();
        }
    }
}
