package io.miaobu.doctor;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.BucketInfo;
import com.aliyun.oss.model.CannedAccessControlList;
import com.aliyun.oss.model.LifecycleRule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.AliyunSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The bucket every deployment lives in (DESIGN §3): it exists in MIAOBU_ALIYUN_REGION (GetBucketInfo,
 * signed with signature V4 for that region, which OSS requires of new accounts and buckets), it is
 * private (its ACL), no bucket policy opens more than {@code sites/} to anonymous readers, and a
 * lifecycle rule aborts abandoned multipart uploads.
 */
final class OssCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OssCheck() {}

    static List<CheckResult> run(AliyunSettings settings, AliyunCredentials credentials) {
        if (settings.ossBucket().isEmpty()) {
            return List.of(CheckResult.fail("oss bucket", "MIAOBU_OSS_BUCKET is not set",
                    "set it (and MIAOBU_ALIYUN_REGION) to serverless.yaml's vars.ossBucket and vars.region"));
        }
        String bucket = settings.ossBucket().get();
        if (settings.region().isEmpty()) {
            return List.of(CheckResult.fail("oss bucket", "MIAOBU_ALIYUN_REGION is not set: OSS requests are signed (V4) for the bucket's region",
                    "set MIAOBU_ALIYUN_REGION to serverless.yaml's vars.region, e.g. cn-hangzhou"));
        }
        String region = settings.region().get();
        String endpoint = Endpoints.publicEndpoint(settings.ossEndpointOrDefault().orElseThrow());
        OSS oss = client(endpoint, region, credentials);
        try {
            List<CheckResult> results = new ArrayList<>();
            CheckResult info = CheckResult.attempt("oss bucket", () -> bucketInfo(oss, bucket, region), e -> fix(e, "oss:GetBucketInfo",
                    "create the bucket in " + region + " (`s deploy` does, with its storage stack) or correct MIAOBU_OSS_BUCKET and MIAOBU_ALIYUN_REGION"));
            results.add(info);
            if (info.ok() || !info.detail().startsWith("bucket " + bucket + " does not exist")) {
                results.add(CheckResult.attempt("oss bucket policy", () -> policy(oss, bucket), e -> fix(e, "oss:GetBucketPolicy",
                        "read the policy in the OSS console (Bucket > Permissions > Bucket Policy)")));
                results.add(CheckResult.attempt("oss lifecycle", () -> lifecycle(oss, bucket), e -> fix(e, "oss:GetBucketLifecycle",
                        "read the rules in the OSS console (Bucket > Data Management > Lifecycle)")));
            }
            return results;
        } finally {
            oss.shutdown();
        }
    }

    static OSS client(String endpoint, String region, AliyunCredentials credentials) {
        ClientBuilderConfiguration config = new ClientBuilderConfiguration();
        config.setSignatureVersion(SignVersion.V4);
        config.setMaxErrorRetry(1);
        config.setSupportCname(false);
        config.setSLDEnabled(!endpoint.contains(".aliyuncs.com"));
        return OSSClientBuilder.create().endpoint(endpoint).region(region)
                .credentialsProvider(new DefaultCredentialProvider(credentials.accessKeyId(), credentials.accessKeySecret(),
                        credentials.securityToken().orElse(null)))
                .clientConfiguration(config).build();
    }

    private static CheckResult bucketInfo(OSS oss, String bucket, String region) {
        BucketInfo info;
        try {
            info = oss.getBucketInfo(bucket);
        } catch (OSSException e) {
            if ("NoSuchBucket".equals(e.getErrorCode())) {
                return CheckResult.fail("oss bucket", "bucket " + bucket + " does not exist in this account",
                        "create it in " + region + " (`s deploy` does, with its storage stack) or correct MIAOBU_OSS_BUCKET");
            }
            throw e;
        }
        String location = info.getBucket().getLocation();
        if (location != null && !location.equals("oss-" + region)) {
            return CheckResult.fail("oss bucket", "bucket " + bucket + " is in " + location.replaceFirst("^oss-", "") + ", not in " + region,
                    "set MIAOBU_ALIYUN_REGION to the bucket's region, or use a bucket in " + region + " (the functions run there)");
        }
        CannedAccessControlList acl = info.getCannedACL();
        if (acl != null && acl != CannedAccessControlList.Private && acl != CannedAccessControlList.Default) {
            return CheckResult.fail("oss bucket", "bucket " + bucket + " is " + acl + ": anyone can list or read every build cache and deployment",
                    "make it private: OSS console, Bucket > Permissions > ACL > Private (PutBucketAcl x-oss-acl: private)");
        }
        return CheckResult.ok("oss bucket", "bucket " + bucket + " exists in " + region + ", private, signature V4 accepted");
    }

    private static CheckResult policy(OSS oss, String bucket) {
        String text;
        try {
            text = oss.getBucketPolicy(bucket).getPolicyText();
        } catch (OSSException e) {
            if ("NoSuchBucketPolicy".equals(e.getErrorCode())) {
                return CheckResult.ok("oss bucket policy", "none: nothing in " + bucket + " is readable without a signature");
            }
            throw e;
        }
        List<String> open = new ArrayList<>();
        try {
            for (JsonNode statement : JSON.readTree(text).path("Statement")) {
                if (!"Allow".equalsIgnoreCase(statement.path("Effect").asText()) || !anonymous(statement.path("Principal"))) {
                    continue;
                }
                for (String resource : strings(statement.path("Resource"))) {
                    if (!resource.matches("acs:oss:\\*:[0-9*]+:" + java.util.regex.Pattern.quote(bucket) + "/sites/.*")) {
                        open.add(resource);
                    }
                }
            }
        } catch (java.io.IOException e) {
            return CheckResult.fail("oss bucket policy", "the bucket policy is not JSON", "rewrite it in the OSS console");
        }
        if (!open.isEmpty()) {
            return CheckResult.fail("oss bucket policy", "it lets anyone read " + String.join(", ", open),
                    "limit anonymous statements to acs:oss:*:*:" + bucket + "/sites/* (build caches and the rest stay private)");
        }
        return CheckResult.ok("oss bucket policy", "anonymous access, if any, is limited to " + bucket + "/sites/");
    }

    /** Parts of multipart uploads a crashed builder abandoned are billed until a lifecycle rule aborts them. */
    private static CheckResult lifecycle(OSS oss, String bucket) {
        List<LifecycleRule> rules;
        try {
            rules = oss.getBucketLifecycle(bucket);
        } catch (OSSException e) {
            if (!"NoSuchLifecycle".equals(e.getErrorCode())) {
                throw e;
            }
            rules = List.of();
        }
        for (LifecycleRule rule : rules) {
            if (rule.getStatus() == LifecycleRule.RuleStatus.Enabled && rule.hasAbortMultipartUpload()
                    && (rule.getPrefix() == null || rule.getPrefix().isEmpty())) {
                return CheckResult.ok("oss lifecycle", "multipart uploads abandoned for " + rule.getAbortMultipartUpload().getExpirationDays()
                        + " days are aborted");
            }
        }
        return CheckResult.fail("oss lifecycle", "no enabled rule of " + bucket + " aborts abandoned multipart uploads: their parts are billed forever",
                "add one for the whole bucket (OSS console > Lifecycle: Parts, 3 days), as deploy/ros-resources.json does");
    }

    private static boolean anonymous(JsonNode principal) {
        return strings(principal).contains("*");
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node.asText());
        }
        return out;
    }

    private static String fix(RuntimeException e, String ramAction, String otherwise) {
        if (e instanceof OSSException o) {
            String code = o.getErrorCode() == null ? "" : o.getErrorCode();
            if (code.equals("InvalidAccessKeyId") || code.equals("SignatureDoesNotMatch") || code.equals("InvalidSecurityToken")) {
                return "check MIAOBU_ALIYUN_ACCESS_KEY_ID/SECRET and MIAOBU_ALIYUN_REGION (requests are signed with V4 for the region)";
            }
            if (code.equals("AccessDenied")) {
                return "allow " + ramAction + " on the bucket to the operator's key (docs/operators.md \"RAM role and policy\")";
            }
        }
        return Fixes.forApiError(e, ramAction, otherwise);
    }
}
