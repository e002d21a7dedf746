package io.miaobu.cas;

import io.miaobu.testkit.aliyun.FakeCas;
import io.miaobu.testkit.aliyun.RamChecks;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every CAS action the store sends (upload, list, delete) is in its RAM_ACTIONS; fakes as in CasCertificatesTest. */
class CasRamActionsTest {
    final CasCertificatesTest setup = new CasCertificatesTest();

    @AfterEach
    void stop() {
        setup.stop();
    }

    @Test
    void every_action_the_store_sends_is_in_its_ram_actions() throws Exception {
        Instant notAfter = Instant.now().plus(90, ChronoUnit.DAYS);
        String[] pem = CasCertificatesTest.selfSigned("www.example.org", notAfter);
        setup.store().put("www.example.org", pem[0], pem[1], notAfter);
        setup.store().get("www.example.org");
        setup.store().delete("www.example.org");
        RamChecks.assertDeclared(CasCertificateStore.RAM_ACTIONS, setup.cas.calls().stream().map(FakeCas.Call::action).toList());
    }
}
