package io.miaobu.build.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.build.detect.FrameworkCatalog.Framework;
import io.miaobu.build.detect.FrameworkCatalog.OutputSource;
import io.miaobu.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a framework writes its output, read from the project's own config where it sets one
 * (without running it): regular expressions from the catalog, and three named strategies for
 * configs a pattern cannot read (Angular's angular.json, VitePress and VuePress source folders).
 */
final class OutputDirectories {
    private static final Pattern VITEPRESS_SOURCE = Pattern.compile("vitepress build\\s+(?:--\\S+\\s+)*\\.?/?([^\\s&|;-][^\\s&|;]*)");
    private static final Pattern VUEPRESS_SOURCE = Pattern.compile("vuepress(?:-vite|-webpack)? build\\s+(?:--\\S+\\s+)*\\.?/?([^\\s&|;-][^\\s&|;]*)");
    private static final Pattern OUT_DIR = Pattern.compile("outDir\\s*:\\s*['\"`]([^'\"`]+)['\"`]");
    private static final Pattern DEST = Pattern.compile("dest\\s*:\\s*['\"`]([^'\"`]+)['\"`]");

    private OutputDirectories() {}

    /** The output directory, and a warning when a config's value could not be read as written and one was assumed. */
    record Output(String directory, String warning) {}

    static Output resolve(Framework framework, SourceTree tree, String buildScript) {
        List<String> unreadable = new ArrayList<>();
        for (OutputSource source : framework.outputFrom()) {
            // The setting evaluated as an expression first: a pattern would take `'dist-' + mode` for `dist-`.
            int unreadableBefore = unreadable.size();
            if (source.key() != null) {
                Optional<Output> evaluated = fromExpression(source, tree, unreadable);
                if (evaluated.isPresent()) {
                    return evaluated.get();
                }
            }
            Optional<String> found = source.strategy() != null
                    ? strategy(source.strategy(), tree, buildScript)
                    : fromPattern(source, tree, buildScript);
            if (found.isPresent() && !found.get().isBlank() && unreadable.size() == unreadableBefore) {
                return new Output(folder(found.get()), null);
            }
        }
        return new Output(framework.outputDirectory(), unreadable.isEmpty() ? null
                : unreadable.get(0) + ", which cannot be evaluated without running the config: assumed the default `"
                + framework.outputDirectory() + "`; set outputDirectory if the build writes elsewhere");
    }

    private static String folder(String path) {
        return TreePaths.normalize(path).isEmpty() ? "." : TreePaths.normalize(path);
    }

    /**
     * The config's {@code key} when it is an expression rather than a literal: its value when it can be evaluated
     * statically (with a warning when an environment variable was taken as unset), else nothing, noting it in {@code unreadable}.
     */
    private static Optional<Output> fromExpression(OutputSource source, SourceTree tree, List<String> unreadable) {
        Pattern setting = Pattern.compile("(?<![\\w$.])" + Pattern.quote(source.key()) + "\\s*:\\s*");
        String template = source.template() == null ? "{1}" : source.template();
        for (String path : TreePaths.expand(source.file())) {
            Optional<String> text = tree.read(path).map(OutputDirectories::stripLineComments);
            if (text.isEmpty()) {
                continue;
            }
            Matcher m = setting.matcher(text.get());
            if (!m.find()) {
                continue;
            }
            ConfigExpressions.Result r = ConfigExpressions.evaluate(text.get(), m.end());
            String where = "`" + source.key() + "` in " + path + " is `" + r.source() + "`";
            if (!r.known()) {
                unreadable.add(where);
                return Optional.empty();
            }
            String dir = folder(template.replace("{1}", r.value()));
            return Optional.of(new Output(dir, r.assumed().isEmpty() ? null
                    : where + ": assumed `" + dir + "`, as if " + String.join(" and ", r.assumed()) + " were not set"));
        }
        return Optional.empty();
    }

    private static Optional<String> fromPattern(OutputSource source, SourceTree tree, String buildScript) {
        String template = source.template() == null ? "{1}" : source.template();
        if (Boolean.TRUE.equals(source.script())) {
            Matcher m = Pattern.compile(source.pattern()).matcher(buildScript);
            return m.find() ? Optional.of(template.replace("{1}", m.group(1))) : Optional.empty();
        }
        if (source.pattern() == null) {
            return TreePaths.expand(source.file()).stream().anyMatch(tree::exists) ? Optional.of(template) : Optional.empty();
        }
        for (String path : TreePaths.expand(source.file())) {
            Optional<String> text = tree.read(path);
            if (text.isPresent()) {
                Matcher m = Pattern.compile(source.pattern()).matcher(stripLineComments(text.get()));
                if (m.find()) {
                    return Optional.of(template.replace("{1}", m.group(1)));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> strategy(String name, SourceTree tree, String buildScript) {
        return switch (name) {
            case "angular" -> angular(tree);
            case "vitepress" -> Optional.of(sourceFolderSite(tree, buildScript, VITEPRESS_SOURCE, ".vitepress", OUT_DIR));
            case "vuepress" -> Optional.of(sourceFolderSite(tree, buildScript, VUEPRESS_SOURCE, ".vuepress", DEST));
            default -> throw new IllegalArgumentException("unknown output strategy '" + name + "' in the framework catalog");
        };
    }

    /**
     * VitePress and VuePress build a source folder named in the script ({@code vitepress build docs})
     * into {@code {source}/.vitepress/dist}, unless the config in that folder sets another place
     * (relative to the source folder).
     */
    private static String sourceFolderSite(SourceTree tree, String script, Pattern sourceInScript, String configDir,
                                           Pattern outInConfig) {
        Matcher m = sourceInScript.matcher(script);
        String source = m.find() ? TreePaths.normalize(m.group(1)) : "";
        for (String path : TreePaths.expand(TreePaths.join(source, configDir + "/config.{mts,ts,mjs,js,cjs}"))) {
            Optional<String> text = tree.read(path);
            if (text.isPresent()) {
                Matcher out = outInConfig.matcher(stripLineComments(text.get()));
                if (out.find()) {
                    return TreePaths.resolve(source, out.group(1));
                }
            }
        }
        return TreePaths.join(source, configDir + "/dist");
    }

    /**
     * angular.json: the default (or first application) project's build outputPath; the application
     * builder (Angular 17+) writes the browser files to {@code {outputPath}/browser}.
     */
    private static Optional<String> angular(SourceTree tree) {
        Optional<String> text = tree.read("angular.json");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text.get());
        } catch (IOException e) {
            return Optional.empty();
        }
        JsonNode projects = json.path("projects");
        String name = json.path("defaultProject").asText(null);
        if (name == null || !projects.has(name)) {
            name = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = projects.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (name == null || "application".equals(e.getValue().path("projectType").asText())) {
                    name = e.getKey();
                    if ("application".equals(e.getValue().path("projectType").asText())) {
                        break;
                    }
                }
            }
        }
        if (name == null) {
            return Optional.empty();
        }
        JsonNode build = projects.path(name).path("architect").path("build");
        String builder = build.path("builder").asText("");
        boolean application = builder.endsWith(":application");
        JsonNode outputPath = build.path("options").path("outputPath");
        if (outputPath.isObject()) {
            String base = outputPath.path("base").asText("dist/" + name);
            String browser = outputPath.has("browser") ? outputPath.path("browser").asText() : "browser";
            return Optional.of(browser.isEmpty() ? base : base + "/" + browser);
        }
        String base = outputPath.isTextual() ? outputPath.asText() : "dist/" + name;
        return Optional.of(application ? base + "/browser" : base);
    }

    /** Drops whole-line // comments, so a commented-out setting is not taken for the real one. */
    private static String stripLineComments(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            String t = line.stripLeading();
            if (!t.startsWith("//") && !t.startsWith("#")) {
                out.append(line);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
