package io.miaobu.doctor;

/**
 * The functions reach OSS and MNS on their VPC-internal endpoints ({@code oss-cn-hangzhou-internal...},
 * {@code {uid}.mns.cn-hangzhou-internal...}), which an operator's machine cannot resolve or reach: the
 * doctor asks the same service on its public name instead.
 */
final class Endpoints {
    private Endpoints() {}

    static String publicEndpoint(String endpoint) {
        return endpoint.replace("-internal.aliyuncs.com", ".aliyuncs.com");
    }
}
