package io.miaobu.config;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where Miaobu's Aliyun resources are (DESIGN §9): the region and account, the OSS bucket that holds
 * every deployment, and the MNS queue of build jobs. A production adapter is used when its settings
 * are present (a bucket: OSS instead of the disk; a queue: MNS instead of the PostgreSQL table).
 * Credentials are not settings: functions get them from each invocation.
 *
 * @param region the region of the bucket and the queue; OSS and MNS requests are signed for it
 * @param ossEndpoint the bucket's endpoint; by default {@code https://oss-{region}.aliyuncs.com}
 * @param mnsEndpoint the account's MNS endpoint; by default {@code https://{accountId}.mns.{region}.aliyuncs.com}
 * @param functionPrefix MIAOBU_FUNCTION_PREFIX, what serverless.yaml's {@code vars.prefix} names the functions with
 *                       ({@code {prefix}-api}, ...); read by {@code ./miaobu cloud check}
 * @param fcEndpoint MIAOBU_FC_ENDPOINT, FC 3.0's API; by default {@code https://{accountId}.{region}.fc.aliyuncs.com}
 * @param fc how deployments' functions run there
 */
public record AliyunSettings(
        Optional<String> region,
        Optional<String> accountId,
        Optional<String> ossBucket,
        Optional<String> ossEndpoint,
        Optional<String> mnsQueue,
        Optional<String> mnsEndpoint,
        String functionPrefix,
        Optional<String> fcEndpoint,
        FcSettings fc) {

    private static final Pattern REGION = Pattern.compile("^[a-z]{2,}(-[a-z0-9]+)+$");
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");
    private static final Pattern QUEUE = Pattern.compile("^[A-Za-z][A-Za-z0-9-]{0,255}$");

    static AliyunSettings fromEnv(Function<String, Optional<String>> env) {
        Optional<String> region = env.apply("MIAOBU_ALIYUN_REGION");
        region.filter(r -> !REGION.matcher(r).matches()).ifPresent(r -> {
            throw new ConfigException("MIAOBU_ALIYUN_REGION must be a region id such as cn-hangzhou, got \"" + r + "\"");
        });
        Optional<String> account = env.apply("MIAOBU_ALIYUN_ACCOUNT_ID");
        account.filter(a -> !a.matches("^[0-9]{6,32}$")).ifPresent(a -> {
            throw new ConfigException("MIAOBU_ALIYUN_ACCOUNT_ID must be the numeric account id (UID) of the Aliyun account, got \"" + a + "\"");
        });
        Optional<String> bucket = env.apply("MIAOBU_OSS_BUCKET");
        bucket.filter(b -> !BUCKET.matcher(b).matches()).ifPresent(b -> {
            throw new ConfigException("MIAOBU_OSS_BUCKET must be an OSS bucket name (3-63 of a-z, 0-9 and -), got \"" + b + "\"");
        });
        Optional<String> ossEndpoint = env.apply("MIAOBU_OSS_ENDPOINT").map(v -> url("MIAOBU_OSS_ENDPOINT", v));
        if (bucket.isPresent() && region.isEmpty()) {
            throw new ConfigException("MIAOBU_OSS_BUCKET is set but MIAOBU_ALIYUN_REGION is not; set the bucket's region "
                    + "(e.g. cn-hangzhou): OSS requests are signed (signature V4) for it");
        }
        Optional<String> queue = env.apply("MIAOBU_MNS_QUEUE");
        queue.filter(q -> !QUEUE.matcher(q).matches()).ifPresent(q -> {
            throw new ConfigException("MIAOBU_MNS_QUEUE must be an MNS queue name (a letter, then letters, digits and -), got \"" + q + "\"");
        });
        Optional<String> mnsEndpoint = env.apply("MIAOBU_MNS_ENDPOINT").map(v -> url("MIAOBU_MNS_ENDPOINT", v));
        if (queue.isPresent() && region.isEmpty()) {
            throw new ConfigException("MIAOBU_MNS_QUEUE is set but MIAOBU_ALIYUN_REGION is not; MNS requests are signed for a region");
        }
        if (queue.isPresent() && mnsEndpoint.isEmpty() && account.isEmpty()) {
            throw new ConfigException("MIAOBU_MNS_QUEUE is set but neither MIAOBU_ALIYUN_ACCOUNT_ID nor MIAOBU_MNS_ENDPOINT is; "
                    + "the queue's endpoint is https://{account id}.mns.{region}.aliyuncs.com");
        }
        String prefix = env.apply("MIAOBU_FUNCTION_PREFIX").orElse("miaobu");
        if (!prefix.matches("^[A-Za-z_][A-Za-z0-9_-]{0,56}$")) {
            throw new ConfigException("MIAOBU_FUNCTION_PREFIX must start a function name (a letter or _, then letters, digits, _ and -), got \"" + prefix + "\"");
        }
        Optional<String> fcEndpoint = env.apply("MIAOBU_FC_ENDPOINT").map(v -> url("MIAOBU_FC_ENDPOINT", v));
        return new AliyunSettings(region, account, bucket, ossEndpoint, queue, mnsEndpoint, prefix, fcEndpoint,
                FcSettings.fromEnv(env, region));
    }

    /** The endpoint OSS requests go to, when a bucket is configured. */
    public Optional<String> ossEndpointOrDefault() {
        return ossBucket.map(b -> ossEndpoint.orElseGet(() -> "https://oss-" + region.orElseThrow() + ".aliyuncs.com"));
    }

    /** The account endpoint MNS requests go to, when a queue is configured. */
    public Optional<String> mnsEndpointOrDefault() {
        return mnsQueue.map(q -> mnsEndpoint.orElseGet(() -> "https://" + accountId.orElseThrow() + ".mns." + region.orElseThrow() + ".aliyuncs.com"));
    }

    /** FC 3.0's API endpoint for this account and region, when both are known. */
    public Optional<String> fcEndpointOrDefault() {
        return fcEndpoint.or(() -> accountId.flatMap(a -> region.map(r -> "https://" + a + "." + r + ".fc.aliyuncs.com")));
    }

    private static String url(String variable, String value) {
        String trimmed = value.trim().replaceAll("/+$", "");
        if (!trimmed.matches("^https?://[A-Za-z0-9.:\\-\\[\\]]+$")) {
            throw new ConfigException(variable + " must be an http(s) URL without a path, such as https://oss-cn-hangzhou.aliyuncs.com, got \"" + value + "\"");
        }
        return trimmed;
    }
}
