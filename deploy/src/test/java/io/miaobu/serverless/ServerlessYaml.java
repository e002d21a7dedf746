package io.miaobu.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * serverless.yaml as Serverless Devs sees it after variable substitution: {@code ${vars.x}}, {@code
 * ${env('NAME'[, 'default'])}}, {@code ${config('AccountID')}} and {@code ${resource.props.key}}. An
 * expression of any other kind fails, so the tests never validate text Serverless Devs would rewrite.
 * Unset environment variables without a default become {@code <NAME>}, as an operator's values would.
 */
final class ServerlessYaml {
    static final String ACCOUNT_ID = "1234567890123456";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern ENV = Pattern.compile("env\\('([A-Za-z0-9_]+)'(?:\\s*,\\s*'([^']*)')?\\)");

    private final Path root;
    private final JsonNode raw;
    private final Map<String, JsonNode> resolvedProps = new LinkedHashMap<>();

    private ServerlessYaml(Path root, JsonNode raw) {
        this.root = root;
        this.raw = raw;
    }

    /** The repository root: tests run in deploy/, serverless.yaml is one level up. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("serverless.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no serverless.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static ServerlessYaml load(Path root) throws IOException {
        return parse(root, Files.readString(root.resolve("serverless.yaml")));
    }

    static ServerlessYaml parse(Path root, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false); // a key written twice is a mistake Serverless Devs would hide
        Object document = new Yaml(options).load(text);
        return new ServerlessYaml(root, JSON.valueToTree(document));
    }

    JsonNode raw() {
        return raw;
    }

    /** Names of the resources using {@code component}, in file order. */
    List<String> resources(String component) {
        return raw.path("resources").properties().stream()
                .filter(e -> e.getValue().path("component").asText().equals(component))
                .map(Map.Entry::getKey).toList();
    }

    JsonNode resource(String name) {
        JsonNode r = raw.path("resources").path(name);
        if (r.isMissingNode()) {
            throw new IllegalArgumentException("serverless.yaml has no resource " + name);
        }
        return r;
    }

    /** A resource's props with every {@code ${...}} substituted. */
    JsonNode props(String name) {
        JsonNode cached = resolvedProps.get(name);
        if (cached == null) {
            cached = resolve(resource(name).path("props").deepCopy());
            resolvedProps.put(name, cached);
        }
        return cached;
    }

    /** The operator's variables, resolved. */
    JsonNode vars() {
        return resolve(raw.path("vars").deepCopy());
    }

    /** Any YAML value, with its expressions substituted. */
    JsonNode resolve(JsonNode node) {
        if (node.isTextual()) {
            return JSON.getNodeFactory().textNode(substitute(node.asText()));
        }
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            node.properties().forEach(e -> out.set(e.getKey(), resolve(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(item -> out.add(resolve(item)));
            return out;
        }
        return node;
    }

    private String substitute(String text) {
        Matcher m = EXPRESSION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(evaluate(m.group(1).strip())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String evaluate(String expression) {
        Matcher env = ENV.matcher(expression);
        if (env.matches()) {
            return env.group(2) != null ? env.group(2) : "<" + env.group(1) + ">";
        }
        if (expression.equals("config('AccountID')")) {
            return ACCOUNT_ID;
        }
        String[] path = expression.split("\\.");
        if (path[0].equals("vars")) {
            return text(expression, lookup(raw.path("vars"), path, 1));
        }
        if (path.length >= 3 && path[1].equals("props") && raw.path("resources").has(path[0])) {
            return text(expression, lookup(props(path[0]), path, 2));
        }
        throw new IllegalArgumentException("serverless.yaml uses ${" + expression + "}, which this test cannot resolve");
    }

    private String text(String expression, JsonNode value) {
        if (value.isMissingNode() || value.isContainerNode()) {
            throw new IllegalArgumentException("${" + expression + "} does not name a scalar");
        }
        return substitute(value.asText());
    }

    private static JsonNode lookup(JsonNode node, String[] path, int from) {
        JsonNode n = node;
        for (int i = from; i < path.length; i++) {
            n = n.path(path[i]);
        }
        return n;
    }

    Path root() {
        return root;
    }
}
