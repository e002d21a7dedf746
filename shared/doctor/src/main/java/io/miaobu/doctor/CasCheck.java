package io.miaobu.doctor;

import io.miaobu.aliyun.AcsRpcClient;
import java.util.Map;

/** Certificates (DESIGN §7): CAS answers the operator's key (ListUserCertificateOrder, read-only). */
final class CasCheck {
    static final String VERSION = "2020-04-07";

    private CasCheck() {}

    static CheckResult run(AcsRpcClient cas) {
        return CheckResult.attempt("cas", () -> {
            var answer = cas.call("ListUserCertificateOrder", Map.of("OrderType", "UPLOAD", "CurrentPage", "1", "ShowSize", "1"));
            return CheckResult.ok("cas", "reachable at " + cas.endpoint().getHost() + ", " + answer.path("TotalCount").asLong(0)
                    + " uploaded certificate(s)");
        }, e -> Fixes.forApiError(e, "yundun-cert:ListUserCertificateOrder",
                "check MIAOBU_CAS_ENDPOINT (cas.aliyuncs.com, or cas.ap-southeast-1.aliyuncs.com outside the Chinese mainland)"));
    }
}
