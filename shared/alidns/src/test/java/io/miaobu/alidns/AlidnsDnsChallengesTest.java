package io.miaobu.alidns;

import io.miaobu.testkit.aliyun.RamChecks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.miaobu.aliyun.AcsRpcClient;
import io.miaobu.aliyun.AliyunApiException;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.domains.DnsChallenges;
import io.miaobu.testkit.aliyun.FakeAlidns;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Alidns adapter against a fake that checks every request's signature, version and STS token. */
class AlidnsDnsChallengesTest {
    static final AliyunCredentials STS = new AliyunCredentials("STS.dns-key", "dns-secret", Optional.of("dns-token"));

    final FakeAlidns alidns = new FakeAlidns(STS, "example.com", "example.co.uk");
    final DnsChallenges challenges = new AlidnsDnsChallenges(
            new AcsRpcClient("Alidns", alidns.endpoint(), AlidnsDnsChallenges.VERSION, () -> STS, Clock.systemUTC(), 2, Duration.ofMillis(10)));

    @AfterEach
    void close() {
        alidns.close();
    }

    @Test
    void a_wildcard_challenge_is_a_txt_record_on_its_base_name_in_the_registrable_zone() {
        String handle = challenges.put("*.example.com", "token-value-1");
        String deeper = challenges.put("*.shop.example.co.uk", "token-value-2");

        assertThat(alidns.records()).extracting(FakeAlidns.Record::domainName, FakeAlidns.Record::rr,
                        FakeAlidns.Record::type, FakeAlidns.Record::value)
                .containsExactlyInAnyOrder(
                        tuple("example.com", "_acme-challenge", "TXT", "token-value-1"),
                        tuple("example.co.uk", "_acme-challenge.shop", "TXT", "token-value-2"));
        assertThat(alidns.calls("AddDomainRecord")).allSatisfy(c -> assertThat(c.signatureVersion()).isEqualTo("ACS3-HMAC-SHA256"));

        challenges.delete(handle);
        assertThat(alidns.records()).extracting(FakeAlidns.Record::name).containsExactly("_acme-challenge.shop.example.co.uk");
        challenges.delete(deeper);
        assertThat(alidns.records()).isEmpty();
    }

    @Test
    void deleting_a_record_that_is_already_gone_is_not_an_error() {
        String handle = challenges.put("*.example.com", "v");
        challenges.delete(handle);
        challenges.delete(handle);
        assertThat(alidns.records()).isEmpty();
    }

    @Test
    void a_zone_outside_the_operators_alidns_account_is_refused_with_alidns_reason() {
        assertThatThrownBy(() -> challenges.put("*.not-hosted.org", "v"))
                .isInstanceOf(AliyunApiException.class)
                .hasMessageContaining("IncorrectDomainUser");
    }

    @Test
    void every_action_the_challenges_send_is_in_their_ram_actions() {
        challenges.delete(challenges.put("*.example.com", "token-value-1"));
        RamChecks.assertDeclared(AlidnsDnsChallenges.RAM_ACTIONS, alidns.calls().stream().map(FakeAlidns.Call::action).toList());
    }
}
