package io.miaobu.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.esa.EsaApi;
import io.miaobu.esa.RoutinePublisher;
import io.miaobu.testkit.aliyun.FakeCas;
import io.miaobu.testkit.aliyun.FakeEsa;
import io.miaobu.testkit.aliyun.FakeFc;
import io.miaobu.testkit.aliyun.FakeFc.Route;
import io.miaobu.testkit.aliyun.FakeMns;
import io.miaobu.testkit.aliyun.FakeOss;
import io.miaobu.testkit.aliyun.RamChecks;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./miaobu cloud check} against a fake Aliyun account (FakeOss, FakeMns, FakeEsa, FakeCas,
 * FakeFc, each checking the signature the real service requires): a healthy account passes every
 * check; each misconfiguration an operator can make yields the FAIL line that names it and its fix.
 */
class CloudDoctorTest {
    static final AliyunCredentials OPERATOR = new AliyunCredentials("LTAI-operator", "operator-secret", Optional.empty());
    static final String REGION = "cn-hangzhou";
    static final String BUCKET = "miaobu-sites";
    static final String QUEUE = "miaobu-builds";
    static final String DOMAIN = "miaobu.example.com";

    final FakeOss oss;
    final FakeMns mns;
    final FakeEsa esa = new FakeEsa(OPERATOR, "42").createNamespace("miaobu_routes").addRecord("sites.example-sites.com");
    final FakeCas cas = new FakeCas(OPERATOR);
    final FakeFc fc = new FakeFc(OPERATOR);

    CloudDoctorTest() throws IOException {
        oss = FakeOss.start(BUCKET, REGION, OPERATOR).abortMultipartUploadsAfter(3);
        mns = FakeMns.start(OPERATOR).createQueue(QUEUE, Duration.ofSeconds(3900));
        new RoutinePublisher(EsaApi.of(esa.endpoint(), () -> OPERATOR))
                .publish("miaobu-edge", "export default { fetch() {} };", "test", List.of("staging", "production"));
        fc.function("miaobu-api", 60, "http:http")
                .function("miaobu-oauth", 30, "http:http")
                .function("miaobu-webhook", 30, "http:http")
                .function("miaobu-builder", 3600, "build-queue:eventbridge", "http:http")
                .function("miaobu-scheduler", 600, "every-5-minutes:timer")
                .layer("acs:fc:cn-hangzhou:official:layers/Nodejs20/versions/1", "custom.debian10")
                .layer("acs:fc:cn-hangzhou:official:layers/Python310/versions/1", "custom.debian10")
                .customDomain(DOMAIN, List.of(new Route("/api/v1/detect", "miaobu-builder"), new Route("/api/*", "miaobu-api"),
                        new Route("/oauth/*", "miaobu-oauth"), new Route("/webhooks/*", "miaobu-webhook"),
                        new Route("/hooks/*", "miaobu-webhook"), new Route("/*", "miaobu-api")));
    }

    @AfterEach
    void stop() {
        oss.close();
        mns.close();
        esa.close();
        cas.close();
        fc.close();
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("MIAOBU_BASE_DOMAIN", "example-sites.com");
        env.put("MIAOBU_PUBLIC_URL", "https://" + DOMAIN);
        env.put("MIAOBU_BUILD_TIMEOUT_MINUTES", "15");
        env.put("MIAOBU_ALIYUN_REGION", REGION);
        env.put("MIAOBU_ALIYUN_ACCOUNT_ID", "1234567890");
        env.put("MIAOBU_OSS_BUCKET", BUCKET);
        env.put("MIAOBU_OSS_ENDPOINT", oss.endpoint());
        env.put("MIAOBU_MNS_QUEUE", QUEUE);
        env.put("MIAOBU_MNS_ENDPOINT", mns.endpoint());
        env.put("MIAOBU_ESA_ENDPOINT", esa.endpoint());
        env.put("MIAOBU_ESA_SITE_ID", "42");
        env.put("MIAOBU_ESA_KV_NAMESPACE", "miaobu_routes");
        env.put("MIAOBU_ESA_ROUTINE", "miaobu-edge");
        env.put("MIAOBU_EDGE_TARGET", "sites.example-sites.com");
        env.put("MIAOBU_CAS_ENDPOINT", cas.endpoint());
        env.put("MIAOBU_FC_ENDPOINT", fc.endpoint());
        env.put("MIAOBU_ALIYUN_ACCESS_KEY_ID", OPERATOR.accessKeyId());
        env.put("MIAOBU_ALIYUN_ACCESS_KEY_SECRET", OPERATOR.accessKeySecret());
        return env;
    }

    static Map<String, CheckResult> check(Map<String, String> env) {
        List<CheckResult> results = new CloudDoctor(MiaobuConfig.fromEnv(env), CloudCheck.operatorCredentials(env)).run();
        results.forEach(r -> System.out.println(r.render()));
        return results.stream().collect(Collectors.toMap(CheckResult::name, r -> r, (a, b) -> a.ok() ? b : a, java.util.LinkedHashMap::new));
    }

    @Test
    void aHealthyAccountPassesEveryCheck() {
        Map<String, CheckResult> results = check(env());

        assertThat(results.values()).allSatisfy(r -> assertThat(r.ok()).as(r.render()).isTrue());
        assertThat(results.keySet()).containsExactly("oss bucket", "oss bucket policy", "oss lifecycle", "mns queue", "esa site", "esa kv namespace",
                "esa routine", "esa edge target", "cas", "fc miaobu-api", "fc miaobu-oauth", "fc miaobu-webhook", "fc miaobu-builder",
                "fc miaobu-scheduler", "fc custom domain", "fc layer Nodejs20/versions/1", "fc layer Python310/versions/1");
        assertThat(results.get("mns queue").detail()).contains("VisibilityTimeout 3900 s > 3600 s (the builder's timeout)");
        assertThat(results.get("fc miaobu-builder").detail()).contains("eventbridge http");
        assertThat(oss.rejected()).isEmpty();
        assertThat(mns.rejected()).isEmpty();
        assertThat(fc.requests()).contains("GetFunction /2023-03-30/functions/miaobu-api",
                "ListTriggers /2023-03-30/functions/miaobu-api/triggers", "GetCustomDomain /2023-03-30/custom-domains/" + DOMAIN);
        assertThat(CloudCheck.run(new String[0], env())).isZero();
    }

    @Test
    void everyOperationTheDoctorSendsIsInItsRamActions() {
        int setUp = esa.calls().size(); // publishing the routine
        check(env());

        List<String> sent = new java.util.ArrayList<>();
        oss.calls().forEach(c -> sent.add(c.operation()));
        mns.calls().forEach(c -> sent.add(c.split(" ")[0]));
        esa.calls().subList(setUp, esa.calls().size()).forEach(c -> sent.add(c.action()));
        cas.calls().forEach(c -> sent.add(c.action()));
        fc.requests().forEach(r -> sent.add(r.split(" ")[0]));
        RamChecks.assertDeclared(CloudDoctor.RAM_ACTIONS, sent);
        assertThat(sent).contains("GetBucketInfo", "GetQueueAttributes", "GetSite", "ListUserCertificateOrder", "GetCustomDomain");
    }

    @Test
    void aMisconfiguredAccountGetsOneFailLinePerProblemWithItsFix() throws IOException {
        mns.createQueue("short-visibility", Duration.ofSeconds(600));
        oss.acl("public-read");
        fc.removeFunction("miaobu-scheduler")
                .customDomain(DOMAIN, List.of(new Route("/api/*", "miaobu-api"), new Route("/oauth/*", "miaobu-oauth"),
                        new Route("/webhooks/*", "miaobu-webhook"), new Route("/hooks/*", "miaobu-webhook")));
        Map<String, String> env = env();
        env.put("MIAOBU_MNS_QUEUE", "short-visibility");
        env.put("MIAOBU_ESA_KV_NAMESPACE", "no_such_namespace");

        Map<String, CheckResult> results = check(env);

        assertThat(results.get("mns queue").render()).contains("FAIL", "VisibilityTimeout 600 s", "3600 s (the builder's timeout)",
                "fix: set the queue's VisibilityTimeout above 3600 s");
        assertThat(results.get("oss bucket").render()).contains("FAIL", "is public-read", "fix: make it private");
        assertThat(results.get("esa kv namespace").render()).contains("FAIL", "InvalidNameSpace.NotFound",
                "fix: create it: ESA console > Edge KV > Create Namespace \"no_such_namespace\"");
        assertThat(results.get("fc miaobu-scheduler").render()).contains("FAIL", "FunctionNotFound", "fix: deploy it: `s deploy -t serverless.yaml`");
        assertThat(results.get("fc custom domain").render()).contains("FAIL", "no route for / (the dashboard",
                "fix: route them in serverless.yaml's domain component");
        assertThat(results.values().stream().filter(r -> !r.ok()).map(CheckResult::name))
                .containsExactlyInAnyOrder("mns queue", "oss bucket", "esa kv namespace", "fc miaobu-scheduler", "fc custom domain");
        assertThat(CloudCheck.run(new String[0], env)).isEqualTo(1);
    }

    @Test
    void aFunctionLayerMissingInTheRegionIsNamedWithTheVariableToSet() {
        Map<String, String> env = env();
        env.put("MIAOBU_FC_PYTHON_LAYER", "acs:fc:cn-hangzhou:official:layers/Python399/versions/7");

        Map<String, CheckResult> results = check(env);

        assertThat(results.get("fc layer Python399/versions/7").render()).contains("FAIL", "LayerNotFound",
                "fix: no such layer version in this region: set MIAOBU_FC_PYTHON_LAYER");
        assertThat(results.get("fc layer Nodejs20/versions/1").ok()).isTrue();
    }

    @Test
    void aMissingBucketQueueRoutineAndRecordAreNamed() {
        Map<String, String> env = env();
        env.put("MIAOBU_OSS_BUCKET", "not-" + BUCKET);
        env.put("MIAOBU_MNS_QUEUE", "no-such-queue");
        env.put("MIAOBU_ESA_ROUTINE", "other-routine");
        env.put("MIAOBU_EDGE_TARGET", "other.example-sites.com");

        Map<String, CheckResult> results = check(env);

        assertThat(results.get("oss bucket").render()).contains("FAIL", "bucket not-miaobu-sites does not exist", "fix: create it in cn-hangzhou");
        assertThat(results.get("mns queue").render()).contains("FAIL", "queue no-such-queue does not exist");
        assertThat(results.get("esa routine").render()).contains("FAIL", "RoutineNotExist", "fix: run `./miaobu edge publish`");
        assertThat(results.get("esa edge target").render()).contains("FAIL", "has no record named other.example-sites.com",
                "fix: add a proxied record");
    }

    @Test
    void theEdgeTargetMayBeTheCnameEsaGaveTheRecord() {
        Map<String, String> env = env();
        env.put("MIAOBU_EDGE_TARGET", FakeEsa.recordCname("sites.example-sites.com"));

        assertThat(check(env).get("esa edge target").ok()).isTrue();
    }

    @Test
    void aBucketWithoutTheMultipartRuleFails() throws IOException {
        try (FakeOss bare = FakeOss.start("bare-bucket", REGION, OPERATOR)) {
            Map<String, String> env = env();
            env.put("MIAOBU_OSS_BUCKET", "bare-bucket");
            env.put("MIAOBU_OSS_ENDPOINT", bare.endpoint());

            assertThat(check(env).get("oss lifecycle").render()).contains("FAIL", "aborts abandoned multipart uploads",
                    "fix: add one for the whole bucket");
        }
    }

    @Test
    void aPolicyThatOpensMoreThanSitesAndAPendingSiteFail() {
        oss.policy("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":[\"*\"],\"Action\":[\"oss:GetObject\"],"
                + "\"Resource\":[\"acs:oss:*:1234567890:" + BUCKET + "/sites/*\",\"acs:oss:*:1234567890:" + BUCKET + "/*\"]}]}");
        esa.siteStatus("pending");

        Map<String, CheckResult> results = check(env());

        assertThat(results.get("oss bucket policy").render()).contains("FAIL", "lets anyone read acs:oss:*:1234567890:" + BUCKET + "/*",
                "fix: limit anonymous statements to acs:oss:*:*:" + BUCKET + "/sites/*");
        assertThat(results.get("esa site").render()).contains("FAIL", "is pending, not active");
    }

    @Test
    void aWrongKeyIsReportedAsSuchByEveryService() {
        Map<String, String> env = env();
        env.put("MIAOBU_ALIYUN_ACCESS_KEY_SECRET", "wrong-secret");

        Map<String, CheckResult> results = check(env);

        assertThat(results.values()).allSatisfy(r -> assertThat(r.ok()).as(r.render()).isFalse());
        assertThat(results.get("oss bucket").fix()).contains("MIAOBU_ALIYUN_ACCESS_KEY_ID/SECRET");
        assertThat(results.get("esa site").fix()).contains("MIAOBU_ALIYUN_ACCESS_KEY_ID and MIAOBU_ALIYUN_ACCESS_KEY_SECRET");
        assertThat(results.get("fc miaobu-api").fix()).contains("MIAOBU_ALIYUN_ACCESS_KEY_ID and MIAOBU_ALIYUN_ACCESS_KEY_SECRET");
        assertThat(oss.rejected()).isNotEmpty();
    }

    @Test
    void aQueueThatRedeliversWhileTheBuilderMayStillRunFails() {
        mns.createQueue("shorter-than-the-builder", Duration.ofSeconds(3000));
        Map<String, String> env = env();
        env.put("MIAOBU_MNS_QUEUE", "shorter-than-the-builder");

        assertThat(check(env).get("mns queue").render()).contains("FAIL", "VisibilityTimeout 3000 s", "3600 s (the builder's timeout)",
                "fix: set the queue's VisibilityTimeout above 3600 s");
    }

    @Test
    void aBuilderThatWouldBeKilledMidBuildFails() {
        fc.function("miaobu-builder", 900, "build-queue:eventbridge", "http:http");

        assertThat(check(env()).get("fc miaobu-builder").render()).contains("FAIL", "timeout 900 s", "a build may run 1800 s",
                "fix: raise the builder's timeout in serverless.yaml above 1800 s");
    }

    @Test
    void fakeFcRefusesWhatFc3Refuses() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var unsigned = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(fc.endpoint() + "/2023-03-30/functions/miaobu-api"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(400);
        assertThat(unsigned.body()).contains("MissingAuthorization");

        var other = new FakeFc(new AliyunCredentials("LTAI-other", "other-secret", Optional.empty()));
        try {
            var wrongVersion = new io.miaobu.aliyun.AcsRoaClient("FC", other.endpoint(), "2021-04-06",
                    () -> new AliyunCredentials("LTAI-other", "other-secret", Optional.empty()));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrongVersion.get("GetFunction", "/2023-03-30/functions/x"))
                    .hasMessageContaining("InvalidVersion");
        } finally {
            other.close();
        }
    }

    @Test
    void theOperatorGuideGrantsTheOperatorsKeyEveryActionTheDoctorCalls() throws IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("miaobu.repo.root", "../.."), "docs/operators.md"));
        String step = readme.substring(readme.indexOf("**Check the account**"));
        String policy = step.substring(step.indexOf("```json"), step.indexOf("```", step.indexOf("```json") + 7));
        assertThat(ramActionsIn(policy)).containsAll(CloudDoctor.RAM_ACTIONS.actions());
        assertThat(step).contains("./miaobu cloud check", "run it after `s deploy` and before opening the platform");
    }

    private static List<String> ramActionsIn(String text) {
        return java.util.regex.Pattern.compile("\"([a-z-]+:[A-Za-z]+)\"").matcher(text).results().map(m -> m.group(1)).toList();
    }

    @Test
    void anHttpsInternalMnsEndpointIsRefusedAsMnsDocumentsIt() {
        Map<String, String> env = env();
        env.put("MIAOBU_MNS_ENDPOINT", "https://1234567890.mns.cn-hangzhou-internal.aliyuncs.com");

        List<CheckResult> results = new CloudDoctor(MiaobuConfig.fromEnv(env), OPERATOR).run();

        assertThat(results).anySatisfy(r -> assertThat(r.render()).contains("FAIL mns endpoint", "http:// only",
                "MIAOBU_MNS_ENDPOINT=https://1234567890.mns.cn-hangzhou.aliyuncs.com"));
    }
}
