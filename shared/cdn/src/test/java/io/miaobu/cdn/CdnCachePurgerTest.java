package io.miaobu.cdn;

import io.miaobu.testkit.aliyun.RamChecks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.testkit.aliyun.FakeCdn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CDN purger through aliyun-java-sdk-cdn, whose V1 (HMAC-SHA1) signature the fake checks. */
class CdnCachePurgerTest {
    static final AliyunCredentials STS = new AliyunCredentials("STS.cdn", "cdn-secret", Optional.of("cdn-token"));
    final FakeCdn cdn = new FakeCdn(STS);

    @AfterEach
    void stop() {
        cdn.close();
    }

    @Test
    void hosts_are_refreshed_as_directories_in_calls_of_at_most_100() {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            hosts.add("d" + i + "--shop.miaobu.app");
        }
        new CdnCachePurger(cdn.endpoint(), () -> STS).purgeHosts(hosts);
        assertThat(cdn.refreshes()).hasSize(2);
        assertThat(cdn.refreshes().get(0).type()).isEqualTo("Directory");
        assertThat(cdn.refreshes().get(0).paths()).hasSize(100).first().isEqualTo("https://d0--shop.miaobu.app/");
        assertThat(cdn.calls("RefreshObjectCaches")).allSatisfy(c -> assertThat(c.signatureVersion()).isEqualTo("ACS3-HMAC-SHA256"));
    }

    @Test
    void files_are_refreshed_by_url() {
        new CdnCachePurger(cdn.endpoint(), () -> STS).purgeFiles(List.of("https://shop.miaobu.app/index.html"));
        assertThat(cdn.refreshes()).singleElement().satisfies(r -> {
            assertThat(r.type()).isEqualTo("File");
            assertThat(r.paths()).containsExactly("https://shop.miaobu.app/index.html");
        });
    }

    @Test
    void a_wrong_secret_or_quota_error_is_reported_with_its_code() {
        assertThatThrownBy(() -> new CdnCachePurger(cdn.endpoint(), () -> new AliyunCredentials("STS.cdn", "bad", Optional.of("cdn-token")))
                .purgeHosts(List.of("a.example.com")))
                .isInstanceOf(AliyunApiException.class)
                .hasMessageContaining("SignatureDoesNotMatch");
        cdn.failNext("RefreshObjectCaches", 5, 400, "Throttling.User", "Request was denied due to user flow control.");
        assertThatThrownBy(() -> new CdnCachePurger(cdn.endpoint(), () -> STS).purgeHosts(List.of("a.example.com")))
                .hasMessageContaining("Throttling.User").hasMessageContaining("quota");
        assertThat(cdn.refreshes()).isEmpty();
    }

    @Test
    void every_action_the_purger_sends_is_in_its_ram_actions() {
        CdnCachePurger purger = new CdnCachePurger(cdn.endpoint(), () -> STS);
        purger.purgeHosts(List.of("a.miaobu.app"));
        purger.purgeFiles(List.of("https://a.miaobu.app/index.html"));
        RamChecks.assertDeclared(CdnCachePurger.RAM_ACTIONS, cdn.calls().stream().map(FakeCdn.Call::action).toList());
    }
}
