package io.miaobu.doctor;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.ConfigException;
import io.miaobu.config.MiaobuConfig;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./miaobu cloud check}: the operator's doctor. Reads the same MIAOBU_* settings the functions
 * get and the operator's own key (MIAOBU_ALIYUN_ACCESS_KEY_ID/SECRET, as {@code ./miaobu edge publish}),
 * calls read-only APIs only, prints one line per check and exits 1 when any check fails (2 when the
 * settings themselves are unusable).
 */
public final class CloudCheck {
    private CloudCheck() {}

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.getenv());
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("miaobu cloud check: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    static int run(String[] args, Map<String, String> env) {
        if (args.length > 0) {
            throw new IllegalArgumentException("unknown argument " + args[0] + "; usage: ./miaobu cloud check (settings come from MIAOBU_* variables)");
        }
        MiaobuConfig config = MiaobuConfig.fromEnv(env);
        AliyunCredentials credentials = operatorCredentials(env);
        System.out.println("Checking Aliyun account " + config.aliyun().accountId().orElse("(MIAOBU_ALIYUN_ACCOUNT_ID not set)")
                + " in " + config.aliyun().region().orElse("(MIAOBU_ALIYUN_REGION not set)") + " with key " + credentials.accessKeyId() + "…");
        return CloudDoctor.print(new CloudDoctor(config, credentials).run(), System.out) ? 0 : 1;
    }

    static AliyunCredentials operatorCredentials(Map<String, String> env) {
        String id = Optional.ofNullable(env.get("MIAOBU_ALIYUN_ACCESS_KEY_ID")).map(String::trim).orElse("");
        String secret = Optional.ofNullable(env.get("MIAOBU_ALIYUN_ACCESS_KEY_SECRET")).map(String::trim).orElse("");
        if (id.isEmpty() || secret.isEmpty()) {
            throw new ConfigException("set MIAOBU_ALIYUN_ACCESS_KEY_ID and MIAOBU_ALIYUN_ACCESS_KEY_SECRET to the operator's access key "
                    + "(read-only rights suffice: docs/operators.md, step 10); only ./miaobu commands read it, never the functions");
        }
        return new AliyunCredentials(id, secret, Optional.empty());
    }
}
