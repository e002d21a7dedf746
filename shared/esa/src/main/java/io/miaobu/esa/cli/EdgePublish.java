package io.miaobu.esa.cli;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.ConfigException;
import io.miaobu.config.EdgeSettings;
import io.miaobu.esa.EdgeBundle;
import io.miaobu.esa.EsaApi;
import io.miaobu.esa.RoutinePublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./miaobu edge publish [--staging-only] [--origin URL] [--edge-dir DIR] [--out FILE]}: bundles
 * edge/src/esa.js into the routine's one file, fills in the edge KV namespace, the bucket's
 * origin and the read-only key that signs the routine's reads of it, and publishes it through ESA's staging upload -> commit -> publish flow. Runs with the
 * operator's own access key (MIAOBU_ALIYUN_ACCESS_KEY_ID/SECRET), which functions never read.
 * {@code --out FILE} writes the bundle and publishes nothing.
 */
public final class EdgePublish {
    private EdgePublish() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args, System.getenv()));
        } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("miaobu edge publish: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("miaobu edge publish: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args, Map<String, String> env) throws Exception {
        Path edgeDir = Path.of("edge/src");
        Optional<String> origin = Optional.empty();
        Optional<Path> out = Optional.empty();
        List<String> environments = new ArrayList<>(List.of("staging", "production"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--staging-only" -> environments.remove("production");
                case "--origin" -> origin = Optional.of(value(args, ++i, "--origin"));
                case "--edge-dir" -> edgeDir = Path.of(value(args, ++i, "--edge-dir"));
                case "--out" -> out = Optional.of(Path.of(value(args, ++i, "--out")));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: ./miaobu edge publish [--staging-only] [--origin URL] [--edge-dir DIR] [--out FILE]");
            }
        }
        EdgeSettings settings = EdgeSettings.fromEnv(name -> Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).map(String::trim));
        String namespace = settings.kvNamespace().orElseThrow(() -> new ConfigException(
                "MIAOBU_ESA_KV_NAMESPACE is not set: the routine reads routes from this edge KV namespace (the one the functions write)"));
        String originUrl = origin.orElseGet(() -> ossOrigin(env)).replaceAll("/+$", "");
        if (!originUrl.matches("https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?")) {
            // It is pasted into the routine's source as a string literal.
            throw new IllegalArgumentException("the origin must be a plain http(s) URL such as https://bucket.oss-cn-hangzhou.aliyuncs.com, got " + originUrl);
        }
        if (originUrl.contains("-internal.")) {
            // The functions reach OSS over the VPC's internal endpoint; the routine runs at ESA's edge, outside it.
            String publicUrl = originUrl.replace("-internal.", ".");
            throw new IllegalArgumentException("the origin " + originUrl + " is an internal OSS endpoint, which only your VPC reaches; "
                    + "the routine runs at ESA's edge, outside it: use the public endpoint (--origin " + publicUrl
                    + ", or MIAOBU_OSS_ENDPOINT without -internal for this command)");
        }
        Map<String, String> placeholders = new HashMap<>(readKey(env, originUrl));
        placeholders.put("__MIAOBU_KV_NAMESPACE__", namespace);
        placeholders.put("__MIAOBU_OSS_ORIGIN__", originUrl);
        String code = EdgeBundle.bundle(edgeDir, "esa.js", placeholders);
        if (out.isPresent()) {
            Files.writeString(out.get(), code);
            System.out.println("wrote " + out.get() + " (" + code.length() + " bytes); nothing published");
            return 0;
        }
        AliyunCredentials credentials = operatorCredentials(env);
        RoutinePublisher.Published published = new RoutinePublisher(EsaApi.of(settings.endpoint(), () -> credentials))
                .publish(settings.routine(), code, "miaobu " + Instant.now(), environments);
        System.out.println((published.created() ? "created routine " : "routine ") + published.routine() + ": version "
                + published.codeVersion() + " (" + code.length() + " bytes) published to " + String.join(" and ", published.environments()));
        if (published.created()) {
            System.out.println("Next: route the site's traffic to it (ESA console: Functions and Pages -> " + published.routine()
                    + " -> Routes, e.g. *." + env.getOrDefault("MIAOBU_BASE_DOMAIN", "{base}") + "/*).");
        }
        return 0;
    }

    /** The bucket's URL from MIAOBU_OSS_BUCKET and MIAOBU_OSS_ENDPOINT (e.g. oss-cn-hangzhou.aliyuncs.com). */
    static String ossOrigin(Map<String, String> env) {
        String bucket = env.get("MIAOBU_OSS_BUCKET");
        String endpoint = env.get("MIAOBU_OSS_ENDPOINT");
        if (bucket == null || bucket.isBlank() || endpoint == null || endpoint.isBlank()) {
            throw new ConfigException("the routine fetches files from the OSS bucket: set MIAOBU_OSS_BUCKET and MIAOBU_OSS_ENDPOINT, or pass --origin https://bucket.oss-region.aliyuncs.com");
        }
        String host = endpoint.trim().replaceFirst("^https?://", "").replaceAll("/+$", "");
        return "https://" + bucket.trim() + "." + host;
    }

    private static final Pattern KEY_TEXT = Pattern.compile("[A-Za-z0-9._+/=-]{1,200}");

    /**
     * What signs the routine's reads of the private bucket (OSS signature V4): the bucket, its region,
     * and the access key of a RAM user allowed only oss:GetObject on {@code BUCKET/sites/*}
     * (MIAOBU_EDGE_OSS_ACCESS_KEY_ID/SECRET). The key is written into the routine's code, which only
     * the account's ESA administrators can read; it can read the sites, which are public anyway.
     */
    static Map<String, String> readKey(Map<String, String> env, String originUrl) {
        String id = setting(env, "MIAOBU_EDGE_OSS_ACCESS_KEY_ID");
        String secret = setting(env, "MIAOBU_EDGE_OSS_ACCESS_KEY_SECRET");
        if (id == null || secret == null) {
            throw new ConfigException("set MIAOBU_EDGE_OSS_ACCESS_KEY_ID and MIAOBU_EDGE_OSS_ACCESS_KEY_SECRET to the access key of a RAM "
                    + "user allowed only oss:GetObject on the bucket's sites/*: the bucket is private, and the routine signs its reads with it");
        }
        String region = setting(env, "MIAOBU_ALIYUN_REGION");
        if (region == null || !region.matches("[a-z0-9-]+")) {
            throw new ConfigException("set MIAOBU_ALIYUN_REGION to the bucket's region (e.g. cn-hangzhou): the routine signs its reads (OSS V4) for it");
        }
        Matcher virtualHosted = Pattern.compile("https?://([a-z0-9][a-z0-9-]*)\\.oss-[^/]+").matcher(originUrl);
        String bucket = setting(env, "MIAOBU_OSS_BUCKET");
        if (bucket == null && virtualHosted.lookingAt()) {
            bucket = virtualHosted.group(1);
        }
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9-]{1,62}")) {
            throw new ConfigException("set MIAOBU_OSS_BUCKET to the bucket the routine reads (its name is part of what OSS V4 signs)");
        }
        if (!KEY_TEXT.matcher(id).matches() || !KEY_TEXT.matcher(secret).matches()) {
            throw new IllegalArgumentException("MIAOBU_EDGE_OSS_ACCESS_KEY_ID/SECRET hold characters no Aliyun access key has");
        }
        return Map.of("__MIAOBU_OSS_BUCKET__", bucket, "__MIAOBU_OSS_REGION__", region,
                "__MIAOBU_EDGE_ACCESS_KEY_ID__", id, "__MIAOBU_EDGE_ACCESS_KEY_SECRET__", secret);
    }

    private static String setting(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    static AliyunCredentials operatorCredentials(Map<String, String> env) {
        String id = env.get("MIAOBU_ALIYUN_ACCESS_KEY_ID");
        String secret = env.get("MIAOBU_ALIYUN_ACCESS_KEY_SECRET");
        if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
            throw new ConfigException("set MIAOBU_ALIYUN_ACCESS_KEY_ID and MIAOBU_ALIYUN_ACCESS_KEY_SECRET to an access key "
                    + "allowed to manage ESA routines (esa:*Routine*); it is used by this command only");
        }
        return new AliyunCredentials(id.trim(), secret.trim(), Optional.empty());
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
