package io.miaobu.serverless;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.miaobu.alidns.AlidnsDnsChallenges;
import io.miaobu.aliyun.RamActions;
import io.miaobu.cas.CasCertificateStore;
import io.miaobu.cdn.CdnCachePurger;
import io.miaobu.esa.EsaAdapters;
import io.miaobu.esa.RoutinePublisher;
import io.miaobu.fc.FcFunctionHost;
import io.miaobu.mns.MnsJobQueue;
import io.miaobu.oss.OssArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator guide's RAM policies (docs/operators.md, JSON blocks in "From an empty account to a working platform") grant every
 * action the code needs: the functions' role every action of every adapter (each adapter's RAM_ACTIONS,
 * which its own tests hold to what it sends), the operator's key what {@code edge publish} calls, and
 * the deploying user what Serverless Devs does on its behalf.
 */
class RamPolicyTest {
    /** FC pulls a custom container's image from ACR with the function's role (reference: custom containers). */
    static final Set<String> IMAGE_PULL = Set.of("cr:GetAuthorizationToken", "cr:PullRepository");
    /**
     * What {@code s deploy} (fc3 component) does with the deployer's key beyond the system policies: passes
     * the role, reads the app domain's CAS certificate (certConfig.certId), creates EventBridge's
     * service-linked role for the builder's trigger.
     */
    static final Set<String> DEPLOYER = Set.of("ram:PassRole", "yundun-cert:DescribeUserCertificateDetail", "ram:CreateServiceLinkedRole");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String readme;

    @BeforeAll
    static void load() throws IOException {
        readme = Files.readString(ServerlessYaml.repositoryRoot().resolve("docs/operators.md"));
    }

    static List<RamActions> functionAdapters() {
        List<RamActions> all = new ArrayList<>(List.of(OssArtifactStore.RAM_ACTIONS, MnsJobQueue.RAM_ACTIONS,
                CasCertificateStore.RAM_ACTIONS, CdnCachePurger.RAM_ACTIONS, AlidnsDnsChallenges.RAM_ACTIONS,
                FcFunctionHost.RAM_ACTIONS));
        all.addAll(EsaAdapters.ramActions());
        return all;
    }

    @Test
    void the_functions_role_policy_grants_every_action_of_every_adapter() {
        List<String> granted = allowed(policyAfter("1. **RAM role for the functions.**"));
        Map<String, Set<String>> lacking = new TreeMap<>();
        for (RamActions adapter : functionAdapters()) {
            lacking.put(adapter.adapter(), missing(granted, adapter.actions()));
        }
        lacking.put("builder image pull", missing(granted, IMAGE_PULL));
        lacking.values().removeIf(Set::isEmpty);
        assertThat(lacking).as("actions the functions' policy lacks, by adapter").isEmpty();
    }

    @Test
    void the_operators_policy_grants_what_edge_publish_calls() {
        List<String> granted = allowed(policyAfter("publish the routine's code from `edge/`"));
        assertThat(missing(granted, RoutinePublisher.RAM_ACTIONS.actions())).isEmpty();
    }

    @Test
    void the_deploying_users_policy_grants_what_serverless_devs_does_on_its_behalf() {
        List<String> granted = allowed(policyAfter("The deploying RAM user"));
        assertThat(missing(granted, DEPLOYER)).isEmpty();
    }

    @Test
    void a_wildcard_grants_the_actions_it_matches_and_no_others() {
        assertThat(missing(List.of("esa:*CustomHostname*"), Set.of("esa:ListCustomHostnames", "esa:ListRecords")))
                .containsExactly("esa:ListRecords");
        assertThat(missing(List.of("cas:*"), Set.of("yundun-cert:UploadUserCertificate"))).hasSize(1);
    }

    /** The first ```json block after {@code marker}, which must appear in the README. */
    static JsonNode policyAfter(String marker) {
        int at = readme.indexOf(marker);
        assertThat(at).as("README has %s", marker).isNotNegative();
        int start = readme.indexOf("```json", at);
        assertThat(start).as("a policy block after %s", marker).isNotNegative();
        int body = readme.indexOf('\n', start) + 1;
        try {
            return JSON.readTree(readme.substring(body, readme.indexOf("```", body)));
        } catch (IOException e) {
            throw new AssertionError("the policy after " + marker + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** The action patterns the policy allows. */
    static List<String> allowed(JsonNode policy) {
        List<String> out = new ArrayList<>();
        for (JsonNode statement : policy.path("Statement")) {
            if (statement.path("Effect").asText().equals("Allow")) {
                JsonNode action = statement.path("Action");
                if (action.isArray()) {
                    action.forEach(a -> out.add(a.asText()));
                } else {
                    out.add(action.asText());
                }
            }
        }
        return out;
    }

    /** The actions no pattern grants; RAM action patterns take {@code *} and {@code ?} and ignore case. */
    static Set<String> missing(List<String> patterns, Set<String> needed) {
        List<Pattern> compiled = patterns.stream().map(p -> Pattern.compile(
                Pattern.quote(p).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"), Pattern.CASE_INSENSITIVE)).toList();
        Set<String> out = new TreeSet<>();
        for (String action : needed) {
            if (compiled.stream().noneMatch(p -> p.matcher(action.toLowerCase(Locale.ROOT)).matches())) {
                out.add(action);
            }
        }
        return out;
    }
}
