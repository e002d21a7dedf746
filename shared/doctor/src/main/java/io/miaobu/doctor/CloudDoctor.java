package io.miaobu.doctor;

import io.miaobu.aliyun.AcsRoaClient;
import io.miaobu.aliyun.AcsRpcClient;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.AliyunSettings;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.esa.EsaApi;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads an Aliyun account with read-only APIs and says, one line per check, whether it is the platform
 * the functions' settings describe (docs/operators.md): the bucket, the build queue,
 * the edge, CAS, the functions and the app's custom domain.
 */
public final class CloudDoctor {
    /**
     * What the operator's key must allow for the doctor, by operation (docs/operators.md step 10's policy grants
     * them): each operation's action is its service's RAM code and its name.
     */
    public static final RamActions RAM_ACTIONS = combined("cloud check",
            RamActions.rpc("OSS", "oss", "GetBucketInfo", "GetBucketPolicy", "GetBucketLifecycle"),
            RamActions.rpc("MNS", "mns", "GetQueueAttributes"),
            RamActions.rpc("ESA", "esa", "GetSite", "GetKvNamespace", "GetRoutine", "ListRecords"),
            RamActions.rpc("CAS", "yundun-cert", "ListUserCertificateOrder"),
            RamActions.rpc("FC", "fc", "GetFunction", "ListTriggers", "GetCustomDomain", "GetLayerVersionByArn"));

    private static RamActions combined(String adapter, RamActions... parts) {
        Map<String, Set<String>> all = new java.util.LinkedHashMap<>();
        for (RamActions part : parts) {
            all.putAll(part.byOperation());
        }
        return new RamActions(adapter, all);
    }

    private final MiaobuConfig config;
    private final Supplier<AliyunCredentials> credentials;

    public CloudDoctor(MiaobuConfig config, AliyunCredentials credentials) {
        this.config = config;
        this.credentials = () -> credentials;
    }

    public List<CheckResult> run() {
        AliyunSettings aliyun = config.aliyun();
        AliyunCredentials creds = credentials.get();
        List<CheckResult> results = new ArrayList<>();
        results.addAll(OssCheck.run(aliyun, creds));
        Optional<AcsRoaClient> fc = aliyun.fcEndpointOrDefault().map(e -> new AcsRoaClient("FC", e, FcCheck.VERSION, credentials));
        OptionalLong builderTimeout = fc.map(f -> FcCheck.timeout(f, aliyun.functionPrefix() + "-builder")).orElse(OptionalLong.empty());
        results.addAll(MnsCheck.run(aliyun, config.buildTimeout(), builderTimeout, creds));
        results.addAll(EsaCheck.run(config.edge(), EsaApi.of(config.edge().endpoint(), credentials)));
        results.add(CasCheck.run(new AcsRpcClient("CAS", config.edge().casEndpoint(), CasCheck.VERSION, credentials,
                Clock.systemUTC(), 1, Duration.ZERO)));
        if (fc.isEmpty()) {
            results.add(CheckResult.fail("fc", "neither MIAOBU_FC_ENDPOINT nor MIAOBU_ALIYUN_ACCOUNT_ID and MIAOBU_ALIYUN_REGION are set",
                    "set MIAOBU_ALIYUN_ACCOUNT_ID (the account's numeric id) and MIAOBU_ALIYUN_REGION, as the functions get them"));
        } else {
            Map<String, String> layers = new LinkedHashMap<>();
            aliyun.fc().nodeLayer().ifPresent(l -> layers.put("MIAOBU_FC_NODE_LAYER", l));
            aliyun.fc().pythonLayer().ifPresent(l -> layers.put("MIAOBU_FC_PYTHON_LAYER", l));
            results.addAll(FcCheck.run(fc.get(), aliyun.functionPrefix(), config.publicUrl(), config.buildTimeout(), layers));
        }
        return results;
    }

    /** Prints every result and a summary; answers whether all passed. */
    public static boolean print(List<CheckResult> results, PrintStream out) {
        results.forEach(r -> out.println(r.render()));
        long failed = results.stream().filter(r -> !r.ok()).count();
        out.println(failed == 0 ? "All " + results.size() + " checks passed."
                : failed + " of " + results.size() + " checks failed: fix them, then run `./miaobu cloud check` again.");
        return failed == 0;
    }
}
