package io.miaobu.doctor;

import com.aliyun.mns.client.MNSClient;
import com.aliyun.mns.client.MNSClientBuilder;
import com.aliyun.mns.common.ServiceException;
import com.aliyun.mns.model.QueueMeta;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.AliyunSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The build queue (DESIGN §2): the functions' MNS endpoint is one MNS documents, the queue exists
 * (GetQueueAttributes), and its VisibilityTimeout outlasts a whole build, so that a build still
 * running is never delivered to a second builder.
 */
final class MnsCheck {
    private MnsCheck() {}

    /**
     * @param builderTimeout the builder function's timeout in seconds, when FC answered it: a delivery
     *                       lasts as long as the builder may run
     */
    static List<CheckResult> run(AliyunSettings settings, Duration buildTimeout, OptionalLong builderTimeout, AliyunCredentials credentials) {
        if (settings.mnsQueue().isEmpty()) {
            return List.of(CheckResult.fail("mns queue", "MIAOBU_MNS_QUEUE is not set",
                    "set it to serverless.yaml's vars.mnsQueue (and MIAOBU_ALIYUN_ACCOUNT_ID, MIAOBU_ALIYUN_REGION)"));
        }
        List<CheckResult> results = new ArrayList<>();
        String queue = settings.mnsQueue().get();
        String configured = settings.mnsEndpointOrDefault().orElseThrow();
        if (configured.startsWith("https://") && configured.contains("-internal.aliyuncs.com")) {
            results.add(CheckResult.fail("mns endpoint", configured + ": MNS documents its internal endpoint as http:// only",
                    "give the functions MIAOBU_MNS_ENDPOINT=" + Endpoints.publicEndpoint(configured)
                            + " (functions reach the internet) or the documented http:// internal form"));
        }
        MNSClientBuilder builder = MNSClientBuilder.create().accountEndpoint(Endpoints.publicEndpoint(configured))
                .region(settings.region().orElseThrow())
                .accessKeyId(credentials.accessKeyId()).accessKeySecret(credentials.accessKeySecret());
        credentials.securityToken().ifPresent(builder::securityToken);
        MNSClient client = builder.build();
        try {
            results.add(CheckResult.attempt("mns queue", () -> queue(client, queue, buildTimeout, builderTimeout), e -> fix(e, queue)));
        } finally {
            client.close();
        }
        return results;
    }

    private static CheckResult queue(MNSClient client, String queue, Duration buildTimeout, OptionalLong builderTimeout) {
        QueueMeta meta;
        try {
            meta = client.getQueueRef(queue).getAttributes();
        } catch (ServiceException e) {
            if ("QueueNotExist".equals(e.getErrorCode())) {
                return CheckResult.fail("mns queue", "queue " + queue + " does not exist", "create it (`s deploy` does, with its storage stack) or correct MIAOBU_MNS_QUEUE");
            }
            throw e;
        }
        long visibility = meta.getVisibilityTimeout() == null ? 0 : meta.getVisibilityTimeout();
        // A build runs install and build, each for up to MIAOBU_BUILD_TIMEOUT_MINUTES, within the builder's own timeout.
        long steps = 2 * buildTimeout.toSeconds();
        boolean byBuilder = builderTimeout.isPresent() && builderTimeout.getAsLong() > steps;
        long needed = byBuilder ? builderTimeout.getAsLong() : steps;
        String why = byBuilder ? "the builder's timeout" : "install + build, MIAOBU_BUILD_TIMEOUT_MINUTES each";
        if (visibility <= needed) {
            return CheckResult.fail("mns queue", "queue " + queue + " has VisibilityTimeout " + visibility + " s; a build may run "
                            + needed + " s (" + why + "), so a running build would be delivered again",
                    "set the queue's VisibilityTimeout above " + needed + " s (serverless.yaml's storage stack uses 3900 for a 3600 s builder), "
                            + "e.g. SetQueueAttributes or the MNS console");
        }
        return CheckResult.ok("mns queue", "queue " + queue + " exists, VisibilityTimeout " + visibility + " s > " + needed + " s (" + why + ")");
    }

    private static String fix(RuntimeException e, String queue) {
        if (e instanceof ServiceException s) {
            String code = s.getErrorCode() == null ? "" : s.getErrorCode();
            if (code.equals("AccessDenied")) {
                return "allow mns:GetQueueAttributes on queue " + queue + " to the operator's key";
            }
            if (code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch")) {
                return "check MIAOBU_ALIYUN_ACCESS_KEY_ID and MIAOBU_ALIYUN_ACCESS_KEY_SECRET";
            }
        }
        return "check MIAOBU_ALIYUN_ACCOUNT_ID, MIAOBU_ALIYUN_REGION and MIAOBU_MNS_ENDPOINT";
    }
}
