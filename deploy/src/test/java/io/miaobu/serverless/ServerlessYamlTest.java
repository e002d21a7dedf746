package io.miaobu.serverless;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.miaobu.testkit.FunctionProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * serverless.yaml against the fc3 component's own JSON schema (deploy/fc3-schema.json, a copy of
 * devsapp/fc3 src/schema.json) and against the build: every code directory, jar and path it names
 * exists after {@code mvn package}, and the numbers that must agree (timeouts, concurrency) do.
 */
class ServerlessYamlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FUNCTIONS = List.of("api", "oauth", "webhook", "builder", "scheduler");

    private static Path root;
    private static ServerlessYaml yaml;
    private static JsonNode schemaJson;
    private static JsonSchema schema;

    @BeforeAll
    static void load() throws IOException {
        root = ServerlessYaml.repositoryRoot();
        yaml = ServerlessYaml.load(root);
        schemaJson = JSON.readTree(root.resolve("deploy/fc3-schema.json").toFile());
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaJson);
    }

    /** The trigger config definition the fc3 schema has for each trigger type we use. */
    private static final java.util.Map<String, String> TRIGGER_CONFIGS = java.util.Map.of(
            "http", "IHttpTriggerConfig", "timer", "ITimerTriggerConfig", "eventbridge", "IEventBridge");

    /**
     * Schema violations, plus what the schema lets through: props it does not define (it allows unknown
     * keys, so a typo would pass), and trigger configs checked only as "any of" every trigger type's
     * config (so a bad http config passes as some other type's); each is checked against its own type.
     */
    static List<String> problems(JsonNode props) {
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : schema.validate(props)) {
            problems.add(m.getMessage());
        }
        unknownKeys("$", props, schemaJson, problems);
        int i = 0;
        for (JsonNode trigger : props.path("triggers")) {
            String path = "$.triggers[" + i++ + "].triggerConfig";
            String definition = TRIGGER_CONFIGS.get(trigger.path("triggerType").asText());
            if (definition == null) {
                problems.add(path + ": no check for trigger type " + trigger.path("triggerType"));
                continue;
            }
            ObjectNode only = JSON.createObjectNode();
            only.put("$ref", "#/definitions/" + definition);
            only.set("definitions", schemaJson.path("definitions"));
            JsonSchema typed = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(only);
            for (ValidationMessage m : typed.validate(trigger.path("triggerConfig"))) {
                problems.add(path + m.getMessage().substring(1));
            }
            unknownKeys(path, trigger.path("triggerConfig"), schemaJson.path("definitions").path(definition), problems);
        }
        return problems;
    }

    private static void unknownKeys(String path, JsonNode value, JsonNode definition, List<String> problems) {
        Set<String> known = new TreeSet<>();
        definition.path("properties").fieldNames().forEachRemaining(known::add);
        value.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                problems.add(path + "." + key + ": not a property of the fc3 schema");
            }
        });
    }

    @Test
    void every_function_is_an_fc3_resource() {
        assertThat(yaml.resources("fc3")).containsExactlyInAnyOrderElementsOf(FUNCTIONS);
        assertThat(yaml.raw().path("edition").asText()).isEqualTo("3.0.0");
    }

    @Test
    void every_functions_props_validate_against_the_fc3_schema() {
        for (String function : FUNCTIONS) {
            assertThat(problems(yaml.props(function))).as("serverless.yaml resources.%s.props", function).isEmpty();
        }
    }

    @Test
    void the_validation_catches_a_bad_prop() {
        // The same api props with mistakes an operator could make: each is reported.
        ObjectNode bad = yaml.props("api").deepCopy();
        bad.put("memorySize", 1000);              // not a multiple of 64
        bad.put("runtime", "java17");              // no such runtime: Java 17 needs custom.debian10 + the layer
        bad.put("instanceConcurency", 10);         // misspelt
        ((ObjectNode) bad.path("triggers").get(0).path("triggerConfig")).put("authType", "public");
        List<String> problems = problems(bad);
        assertThat(problems).anyMatch(p -> p.contains("memorySize"))
                .anyMatch(p -> p.contains("runtime"))
                .anyMatch(p -> p.contains("instanceConcurency"))
                .anyMatch(p -> p.startsWith("$.triggers[0].triggerConfig.authType"));

        ObjectNode typo = yaml.props("api").deepCopy();
        ((ObjectNode) typo.path("triggers").get(0).path("triggerConfig")).put("disableUrlInternet", true);
        assertThat(problems(typo)).containsExactly("$.triggers[0].triggerConfig.disableUrlInternet: not a property of the fc3 schema");

        ObjectNode noRuntime = yaml.props("api").deepCopy();
        noRuntime.remove("runtime");
        assertThat(problems(noRuntime)).anyMatch(p -> p.contains("runtime"));
    }

    @Test
    void a_duplicated_key_or_an_unknown_expression_is_refused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerlessYaml.parse(root, "a: 1\na: 2\n"))
                .hasMessageContaining("duplicate");
        ServerlessYaml odd = ServerlessYaml.parse(root, "resources:\n  f:\n    component: fc3\n    props:\n      region: ${file('x')}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> odd.props("f")).hasMessageContaining("file('x')");
    }

    @Test
    void every_code_directory_holds_the_jar_its_start_command_runs() throws IOException {
        for (String function : List.of("api", "oauth", "webhook", "scheduler")) {
            JsonNode props = yaml.props(function);
            assertThat(props.path("runtime").asText()).as(function).startsWith("custom.debian");
            Path code = root.resolve(props.path("code").asText()).normalize();
            assertThat(code).as("%s code directory (run mvn package)", function).isDirectory();

            List<String> command = new ArrayList<>();
            props.path("customRuntimeConfig").path("command").forEach(a -> command.add(a.asText()));
            props.path("customRuntimeConfig").path("args").forEach(a -> command.add(a.asText()));
            assertThat(command.get(0)).as("%s runs the Java layer's JVM", function).isEqualTo("/opt/java17/bin/java");
            int jarFlag = command.indexOf("-jar");
            assertThat(jarFlag).as("%s start command runs a jar", function).isPositive();
            String jarInCode = command.get(jarFlag + 1);
            assertThat(jarInCode).startsWith("/code/");
            Path jar = code.resolve(jarInCode.substring("/code/".length()));
            assertThat(jar).as("%s: %s in %s", function, jarInCode, code).isRegularFile();
            // The shaded jar, not Maven's thin one: it starts the function's main class with its dependencies.
            try (JarFile j = new JarFile(jar.toFile())) {
                String main = j.getManifest().getMainAttributes().getValue("Main-Class");
                assertThat(main).as("%s Main-Class", function).startsWith("io.miaobu.functions." + function + ".");
                assertThat(j.getEntry(main.replace('.', '/') + ".class")).isNotNull();
                assertThat(j.getEntry("io/miaobu/Platform.class")).as("%s jar carries its dependencies", function).isNotNull();
            }
            assertThat(Files.size(jar)).isEqualTo(Files.size(root.resolve("functions/" + function + "/target/miaobu-" + function + ".jar")));
            // An AppCDS archive, when named, sits next to the jar under the jar's name.
            command.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=")).forEach(a -> assertThat(a)
                    .isEqualTo("-XX:SharedArchiveFile=" + jarInCode.replaceAll("\\.jar$", ".jsa")));
            assertThat(props.path("layers").get(0).asText())
                    .matches("acs:fc:" + props.path("region").asText() + ":official:layers/Java17/versions/\\d+");
        }
    }

    @Test
    void the_cold_start_bench_and_the_appcds_training_start_the_http_functions_with_their_jvm_flags() {
        // ./miaobu bench coldstart measures, and ./miaobu fc package records its archives, with FC_FLAGS: both must
        // see the JVM that FC starts, or the figures and the archive are those of another configuration.
        for (String function : List.of("api", "oauth", "webhook")) {
            List<String> args = new ArrayList<>();
            yaml.props(function).path("customRuntimeConfig").path("args").forEach(a -> args.add(a.asText()));
            assertThat(args.subList(0, args.indexOf("-Xshare:auto"))).as("%s's JVM flags before the AppCDS ones", function)
                    .isEqualTo(FunctionProcess.FC_FLAGS);
        }
    }

    @Test
    void the_builder_runs_its_container_one_build_at_a_time_for_longer_than_a_build() throws IOException {
        JsonNode builder = yaml.props("builder");
        assertThat(builder.path("runtime").asText()).isEqualTo("custom-container");
        assertThat(builder.path("instanceConcurrency").asInt()).isEqualTo(1);
        int buildStepSeconds = Integer.parseInt(yaml.vars().path("buildTimeoutMinutes").asText()) * 60;
        // Install and build are separate steps, each up to the build timeout; clone and upload come on top.
        assertThat(builder.path("timeout").asInt()).isGreaterThan(2 * buildStepSeconds);
        int visibility = yaml.props("storage").path("parameters").path("VisibilityTimeout").asInt();
        assertThat(visibility).as("the queue's visibility timeout outlasts a build").isGreaterThan(builder.path("timeout").asInt());
        assertThat(builder.path("customContainerConfig").path("port").asInt()).isEqualTo(9000);

        JsonNode queueTrigger = builder.path("triggers").get(0);
        assertThat(queueTrigger.path("triggerType").asText()).isEqualTo("eventbridge");
        JsonNode source = queueTrigger.path("triggerConfig").path("eventSourceConfig");
        assertThat(source.path("eventSourceType").asText()).isEqualTo("MNS");
        assertThat(source.path("eventSourceParameters").path("sourceMNSParameters").path("QueueName").asText())
                .isEqualTo(yaml.props("storage").path("parameters").path("QueueName").asText())
                .isEqualTo(builder.path("environmentVariables").path("MIAOBU_MNS_QUEUE").asText());
        JsonNode runOptions = queueTrigger.path("triggerConfig").path("runOptions");
        assertThat(runOptions.path("batchWindow").path("CountBasedWindow").asInt()).as("one build per invocation").isEqualTo(1);
        // A failed invocation (404 + x-fc-status while another builder runs the job) is retried, then dropped
        // without blocking the queue; README says what happens to it.
        assertThat(runOptions.path("retryStrategy").path("PushRetryStrategy").asText()).isIn("BACKOFF_RETRY", "EXPONENTIAL_DECAY_RETRY");
        assertThat(runOptions.path("errorsTolerance").asText()).isEqualTo("ALL");

        // The image it runs is built from build-image/, which copies the builder jar the build makes.
        String dockerfile = Files.readString(root.resolve("build-image/Dockerfile"));
        assertThat(dockerfile).contains("COPY functions/builder/target/miaobu-builder.jar");
        assertThat(root.resolve("functions/builder/target/miaobu-builder.jar")).isRegularFile();
        // The context is the repository root, trimmed by .dockerignore to what the COPY lines take.
        List<String> ignore = Files.readAllLines(root.resolve(".dockerignore"));
        dockerfile.lines().filter(l -> l.startsWith("COPY ")).map(l -> l.split("\\s+")[1])
                .forEach(copied -> assertThat(ignore).as(".dockerignore lets %s through", copied).contains("!" + copied));
        assertThat(yaml.resource("builder").path("actions").path("pre-deploy").get(0).path("run").asText())
                .contains("docker build --platform linux/amd64 -f build-image/Dockerfile").contains("docker push");
        // FC runs x86_64 images: every docker build the operator is shown targets linux/amd64, so an ARM
        // machine does not build an image FC cannot start.
        for (String file : List.of("serverless.yaml", "build-image/Dockerfile", "README.md", "docs/builds.md", "docs/operators.md", "docs/development.md")) {
            Files.readString(root.resolve(file)).lines().filter(l -> l.contains("docker build"))
                    .forEach(l -> assertThat(l).as(file).contains("docker build --platform linux/amd64 "));
        }
    }

    @Test
    void the_scheduler_ticks_on_a_timer_and_the_http_functions_sit_behind_one_domain() {
        JsonNode timer = yaml.props("scheduler").path("triggers").get(0);
        assertThat(timer.path("triggerType").asText()).isEqualTo("timer");
        assertThat(timer.path("triggerConfig").path("enable").asBoolean()).isTrue();

        JsonNode domain = yaml.props("domain");
        assertThat(yaml.resource("domain").path("component").asText()).isEqualTo("fc3-domain");
        Set<String> routes = new LinkedHashSet<>();
        for (JsonNode route : domain.path("routeConfig").path("routes")) {
            String target = route.path("functionName").asText();
            String function = FUNCTIONS.stream().filter(f -> yaml.props(f).path("functionName").asText().equals(target))
                    .findFirst().orElseThrow(() -> new AssertionError("route " + route + " names no function here"));
            assertThat(yaml.props(function).path("triggers").findValues("triggerType").stream().map(JsonNode::asText))
                    .as("%s is reachable over HTTP", function).contains("http");
            routes.add(route.path("path").asText() + " -> " + function);
        }
        assertThat(routes).contains("/api/* -> api", "/oauth/* -> oauth", "/webhooks/* -> webhook", "/hooks/* -> webhook");
        // FC prefers an exact path to a wildcard: POST /api/v1/detect reaches the builder, which has JGit.
        assertThat(routes).contains("/api/v1/detect -> builder", "/api/v1/import/check -> builder");
        // GitHub sign-in ends at https://{appDomain}/#token=...: without a route for `/` it would be FC's 404.
        assertThat(routes).as("the dashboard, last so it takes only what no other route does").last().isEqualTo("/* -> api");
    }

    @Test
    void every_function_gets_the_settings_it_requires_and_each_is_documented() throws IOException {
        String readme = Files.readString(root.resolve("docs/configuration.md"));
        for (String function : FUNCTIONS) {
            JsonNode env = yaml.props(function).path("environmentVariables");
            assertThat(env.has("MIAOBU_DATABASE_URL") && env.has("MIAOBU_SECRET_KEY")).as(function).isTrue();
            assertThat(env.path("MIAOBU_PUBLIC_URL").asText()).isEqualTo("https://" + yaml.vars().path("appDomain").asText());
            assertThat(env.has("PATH")).as("%s must not override PATH (the builder image sets its own)", function).isFalse();
            Set<String> undocumented = new TreeSet<>();
            env.fieldNames().forEachRemaining(name -> {
                if (name.startsWith("MIAOBU_") && !readme.contains("`" + name + "`")) {
                    undocumented.add(name);
                }
            });
            assertThat(undocumented).as("MIAOBU_* settings of %s missing from docs/configuration.md's tables", function).isEmpty();
        }
    }

    /**
     * What FC refuses or does not serve in a function's environment: FC_* names (FC reserves the prefix
     * for its own variables, FC docs "Environment variables"; its port variable is FC_CUSTOM_LISTEN_PORT),
     * and an HTTPS URL on an MNS -internal host (MNS documents its internal endpoint as
     * http://{uid}.mns.{region}-internal.aliyuncs.com only, MNS docs "Regions and endpoints"; the public
     * endpoint serves http(s)).
     */
    static List<String> environmentProblems(JsonNode environment) {
        List<String> problems = new ArrayList<>();
        environment.fields().forEachRemaining(variable -> {
            String name = variable.getKey();
            if (name.toUpperCase(java.util.Locale.ROOT).startsWith("FC_")) {
                problems.add(name + ": FC_* variables are reserved by FC");
            }
            if (INTERNAL_HTTPS_MNS.matcher(variable.getValue().asText()).find()) {
                problems.add(name + ": MNS serves its -internal endpoint over http:// only; use https://{uid}.mns.{region}.aliyuncs.com");
            }
        });
        return problems;
    }

    private static final java.util.regex.Pattern INTERNAL_HTTPS_MNS = java.util.regex.Pattern.compile(
            "(?i)^https://[^/]*\\.mns\\.[^/]*-internal\\.");

    @Test
    void no_function_sets_a_variable_fc_reserves_or_an_endpoint_it_does_not_serve() {
        for (String function : FUNCTIONS) {
            assertThat(environmentProblems(yaml.props(function).path("environmentVariables")))
                    .as("serverless.yaml resources.%s.props.environmentVariables", function).isEmpty();
        }
        ObjectNode reserved = JSON.createObjectNode().put("MIAOBU_SECRET_KEY", "k").put("FC_SERVER_PORT", "9000")
                .put("fc_custom_listen_port", "9000");
        assertThat(environmentProblems(reserved)).hasSize(2).allMatch(p -> p.contains("reserved by FC"));
        ObjectNode mns = JSON.createObjectNode()
                .put("MIAOBU_MNS_ENDPOINT", "https://1234.mns.cn-hangzhou-internal.aliyuncs.com")
                .put("PUBLIC", "https://1234.mns.cn-hangzhou.aliyuncs.com")
                .put("INTERNAL_HTTP", "http://1234.mns.cn-hangzhou-internal.aliyuncs.com");
        assertThat(environmentProblems(mns)).singleElement().asString().startsWith("MIAOBU_MNS_ENDPOINT: MNS serves");
    }

    @Test
    void the_storage_stack_and_the_pre_deploy_commands_exist() throws IOException {
        JsonNode storage = yaml.props("storage");
        Path template = root.resolve(storage.path("template").asText()).normalize();
        JsonNode ros = JSON.readTree(template.toFile());
        Set<String> types = new TreeSet<>();
        ros.path("Resources").forEach(r -> types.add(r.path("Type").asText()));
        assertThat(types).containsExactlyInAnyOrder("ALIYUN::OSS::Bucket", "ALIYUN::MNS::Queue");
        Set<String> parameters = new TreeSet<>();
        ros.path("Parameters").fieldNames().forEachRemaining(parameters::add);
        Set<String> given = new TreeSet<>();
        storage.path("parameters").fieldNames().forEachRemaining(given::add);
        assertThat(parameters).containsAll(given);

        String script = Files.readString(root.resolve("miaobu"));
        List<String> runs = yaml.raw().path("resources").findValues("run").stream().map(JsonNode::asText)
                .filter(r -> r.startsWith("./miaobu ")).collect(Collectors.toList());
        assertThat(runs).isNotEmpty();
        for (String run : runs) {
            String command = run.split("\\s+")[1];
            assertThat(script).as("./miaobu handles '%s'", command).contains("\n  " + command + ")");
        }
    }
}
