package io.miaobu.esa.cli;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.ConfigException;
import io.miaobu.config.EsaSettings;
import io.miaobu.esa.EdgeBundle;
import io.miaobu.esa.EsaApi;
import io.miaobu.esa.RoutinePublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./miaobu edge publish [--staging-only] [--origin URL] [--edge-dir DIR] [--out FILE]}: bundles
 * edge/src/esa.js into the routine's one file, fills in the edge KV namespace and the bucket's
 * origin, and publishes it through ESA's staging upload -> commit -> publish flow. Runs with the
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
        EsaSettings settings = EsaSettings.fromEnv(name -> Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).map(String::trim));
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
        String code = EdgeBundle.bundle(edgeDir, "esa.js", Map.of(
                "__MIAOBU_KV_NAMESPACE__", namespace,
                "__MIAOBU_OSS_ORIGIN__", originUrl));
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
