package io.miaobu.build.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.build.detect.FrameworkCatalog.Conditional;
import io.miaobu.build.detect.FrameworkCatalog.Detectors;
import io.miaobu.build.detect.FrameworkCatalog.Framework;
import io.miaobu.build.detect.FrameworkCatalog.Matcher;
import io.miaobu.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluates the framework catalog over a source tree: which framework (the highest-ranked match),
 * which package manager, what to install and build, where the output lands, and whether the
 * result can be published as a static site. It only reads files; nothing of the project runs.
 */
public final class FrameworkDetector {
    private static final Pattern REGISTRY_NPMRC = Pattern.compile("(?m)^\\s*registry\\s*=");
    private static final Pattern REGISTRY_YARNRC_YML = Pattern.compile("(?m)^\\s*npmRegistryServer\\s*:");
    private static final Pattern REGISTRY_YARNRC = Pattern.compile("(?m)^\\s*registry\\s");
    private static final Pattern REGISTRY_BUNFIG = Pattern.compile("(?m)^\\s*registry\\s*=");

    private final FrameworkCatalog catalog;

    public FrameworkDetector(FrameworkCatalog catalog) {
        this.catalog = catalog;
    }

    public static FrameworkDetector standard() {
        return new FrameworkDetector(FrameworkCatalog.standard());
    }

    /** Detects the project in {@code rootDirectory} (relative to the repository; null or "" for its root). */
    public Detection detect(SourceTree repo, String rootDirectory) {
        String rootDir = TreePaths.normalize(rootDirectory);
        SourceTree tree = repo.at(rootDir);
        JsonNode pkg;
        try {
            pkg = readPackageJson(tree);
        } catch (IOException e) {
            String message = "package.json is not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "); fix package.json and push again.";
            return new Detection(rootDir, null, null, rootDir, null, null, null, false, message, null,
                    List.of(), List.of(), List.of(), null, null);
        }
        Set<String> deps = dependencies(pkg);
        boolean hasPackageJson = pkg != null;

        Workspace ws = Workspace.find(repo, rootDir, pkg);
        PackageManager pm = hasPackageJson || ws.lockfile() != null ? ws.packageManager() : null;
        boolean hasLock = ws.lockfile() != null;

        Framework framework = choose(tree, deps, pkg);
        String script = framework == null ? script(pkg, List.of("build")) : script(pkg, framework.scripts());
        String install = null;
        String build = null;
        String installDir = rootDir;
        if (pm != null && (script != null || (framework != null && framework.node()))) {
            build = script != null ? pm.runScript(script) : (framework.build() == null ? null : pm.exec(framework.build()));
            install = build == null ? null : pm.installCommand(hasLock);
            installDir = ws.directory();
        } else if (framework != null) {
            install = first(tree, framework.install());
            build = Optional.ofNullable(first(tree, framework.buildWhen())).orElse(framework.build());
        }

        String output;
        String outputWarning = null;
        PythonApps.Found app = framework == null || framework.app() == null ? null
                : PythonApps.find(tree, framework.id(), framework.name());
        if (app != null) {
            output = null; // its static folders, under their URL prefixes
        } else if (framework != null) {
            OutputDirectories.Output resolved = OutputDirectories.resolve(framework, tree, scriptBody(pkg, script));
            output = resolved.directory();
            outputWarning = resolved.warning();
        } else {
            output = build == null ? "." : null;
        }

        boolean supported = true;
        String reason;
        if (framework != null && framework.staticRule() != null && !publishable(tree, deps, framework.staticRule())) {
            supported = false;
            reason = framework.staticRule().reason().replace("{config}", configFile(tree, framework.staticRule().config()));
        } else if (app != null) {
            supported = app.app() != null;
            reason = supported ? "detected " + framework.name() + " app: " + app.app().describe() : app.problem();
        } else {
            reason = explain(framework, pm, ws, script, build, output);
        }
        if (outputWarning != null) {
            reason += "; warning: " + outputWarning;
        }

        List<String> homeCaches = new ArrayList<>();
        List<String> projectCaches = new ArrayList<>();
        if (pm != null && install != null) {
            homeCaches.addAll(pm.homeCaches());
            projectCaches.add(TreePaths.join(installDir, "node_modules"));
            if (!installDir.equals(rootDir)) {
                projectCaches.add(TreePaths.join(rootDir, "node_modules"));
            }
        }
        if (framework != null && build != null) {
            for (String dir : framework.cacheDirectories()) {
                String path = TreePaths.join(rootDir, dir);
                // Inside node_modules, already cached with it.
                if (projectCaches.stream().noneMatch(c -> path.startsWith(c + "/"))) {
                    projectCaches.add(path);
                }
            }
        }
        return new Detection(rootDir, framework, pm, installDir, install, build, output, supported, reason,
                nodeVersion(repo, rootDir, ws.directory(), pkg), ws.lockfiles(), List.copyOf(homeCaches),
                List.copyOf(new java.util.LinkedHashSet<>(projectCaches)), projectRegistry(repo, rootDir, installDir),
                app == null ? null : app.app());
    }

    /**
     * The highest-ranked matching entry; a framework without a build never hides the project's own build script,
     * except a web app's (a Flask app whose package.json builds its CSS is still a Flask app, built by that script).
     */
    private Framework choose(SourceTree tree, Set<String> deps, JsonNode pkg) {
        boolean ownBuild = script(pkg, List.of("build")) != null;
        Framework best = null;
        for (Framework f : catalog.frameworks()) {
            if (f.build() == null && ownBuild && f.app() == null) {
                continue;
            }
            if (f.excludedPackages().stream().anyMatch(deps::contains)) {
                continue;
            }
            if (matches(tree, deps, f.detectors()) && (best == null || f.rank() > best.rank())) {
                best = f;
            }
        }
        return best;
    }

    /**
     * Whether unknown paths of this framework's output should get its index.html (a single-page app) rather
     * than a 404: not for frameworks that write a page per route, unless the project asks for a fallback page.
     */
    public static boolean singlePage(Framework framework, SourceTree tree) {
        return !framework.prerendered() || (framework.singlePageWhen() != null && matches(tree, Set.of(), framework.singlePageWhen()));
    }

    static boolean matches(SourceTree tree, Set<String> deps, Detectors d) {
        if (d == null) {
            return true;
        }
        if (d.every() != null && !d.every().stream().allMatch(m -> matches(tree, deps, m))) {
            return false;
        }
        return d.some() == null || d.some().isEmpty() || d.some().stream().anyMatch(m -> matches(tree, deps, m));
    }

    static boolean matches(SourceTree tree, Set<String> deps, Matcher m) {
        if (m.dependency() != null && !deps.contains(m.dependency())) {
            return false;
        }
        if (m.file() != null) {
            Pattern contains = m.contains() == null ? null : Pattern.compile(m.contains());
            boolean found = false;
            for (String path : TreePaths.expand(m.file())) {
                if (contains == null ? tree.exists(path) : tree.read(path).map(t -> contains.matcher(t).find()).orElse(false)) {
                    found = true;
                    break;
                }
            }
            return found;
        }
        return true;
    }

    private static boolean publishable(SourceTree tree, Set<String> deps, FrameworkCatalog.StaticRule rule) {
        if (rule.when() != null && !matches(tree, deps, rule.when())) {
            return false;
        }
        return rule.unless() == null || !matches(tree, deps, rule.unless());
    }

    /** The project's own config file among {@code patterns}, so the fix names the file the user has; else the first pattern's first name. */
    private static String configFile(SourceTree tree, List<String> patterns) {
        for (String pattern : patterns) {
            for (String path : TreePaths.expand(pattern)) {
                if (tree.exists(path)) {
                    return path;
                }
            }
        }
        return patterns.isEmpty() ? "its config file" : TreePaths.expand(patterns.get(0)).get(0);
    }

    private static String first(SourceTree tree, List<Conditional> options) {
        for (Conditional c : options) {
            if ((c.when() == null || matches(tree, Set.of(), c.when())) && (c.and() == null || matches(tree, Set.of(), c.and()))) {
                return c.command();
            }
        }
        return null;
    }

    private static JsonNode readPackageJson(SourceTree tree) throws IOException {
        Optional<String> text = tree.read("package.json");
        if (text.isEmpty()) {
            return null;
        }
        JsonNode node = Json.MAPPER.readTree(text.get());
        if (node == null || !node.isObject()) {
            throw new IOException("it is not a JSON object");
        }
        return node;
    }

    static Set<String> dependencies(JsonNode pkg) {
        Set<String> deps = new HashSet<>();
        if (pkg != null) {
            for (String field : List.of("dependencies", "devDependencies", "optionalDependencies")) {
                pkg.path(field).fieldNames().forEachRemaining(deps::add);
            }
        }
        return deps;
    }

    private static String script(JsonNode pkg, List<String> names) {
        if (pkg == null) {
            return null;
        }
        for (String name : names) {
            if (pkg.path("scripts").path(name).isTextual() && !pkg.path("scripts").path(name).asText().isBlank()) {
                return name;
            }
        }
        return null;
    }

    private static String scriptBody(JsonNode pkg, String script) {
        return pkg == null || script == null ? "" : pkg.path("scripts").path(script).asText("");
    }

    /** The Node.js version the project asks for: .nvmrc / .node-version, else package.json engines.node. */
    private static String nodeVersion(SourceTree repo, String rootDir, String installDir, JsonNode pkg) {
        for (String dir : new java.util.LinkedHashSet<>(List.of(rootDir, installDir, ""))) {
            for (String file : List.of(".nvmrc", ".node-version")) {
                Optional<String> v = repo.read(TreePaths.join(dir, file)).map(String::strip).filter(s -> !s.isEmpty());
                if (v.isPresent()) {
                    return v.get().lines().findFirst().orElse("").strip();
                }
            }
        }
        if (pkg != null && pkg.path("engines").path("node").isTextual()) {
            return pkg.path("engines").path("node").asText().strip();
        }
        return null;
    }

    private static String projectRegistry(SourceTree repo, String rootDir, String installDir) {
        for (String dir : new java.util.LinkedHashSet<>(List.of(rootDir, installDir))) {
            if (repo.read(TreePaths.join(dir, ".npmrc")).map(t -> REGISTRY_NPMRC.matcher(t).find()).orElse(false)) {
                return TreePaths.join(dir, ".npmrc");
            }
            if (repo.read(TreePaths.join(dir, ".yarnrc.yml")).map(t -> REGISTRY_YARNRC_YML.matcher(t).find()).orElse(false)) {
                return TreePaths.join(dir, ".yarnrc.yml");
            }
            if (repo.read(TreePaths.join(dir, ".yarnrc")).map(t -> REGISTRY_YARNRC.matcher(t).find()).orElse(false)) {
                return TreePaths.join(dir, ".yarnrc");
            }
            if (repo.read(TreePaths.join(dir, "bunfig.toml")).map(t -> REGISTRY_BUNFIG.matcher(t).find()).orElse(false)) {
                return TreePaths.join(dir, "bunfig.toml");
            }
        }
        return null;
    }

    private static String explain(Framework framework, PackageManager pm, Workspace ws, String script, String build, String output) {
        StringBuilder s = new StringBuilder();
        s.append(framework == null ? (build == null ? "no framework and no build script: the files are published as they are"
                : "no known framework: running the project's `" + script + "` script") : "detected " + framework.name());
        if (framework != null && build == null) {
            s.append(": ").append(".".equals(output) ? "the files" : "the files in `" + output + "/`").append(" are published as they are, with no build");
        }
        if (pm != null && build != null) {
            s.append("; ").append(pm.displayName()).append(" (").append(ws.evidence()).append(")");
            if (!ws.directory().equals(ws.rootDirectory())) {
                s.append(", installed from the workspace root `").append(ws.directory().isEmpty() ? "." : ws.directory()).append("`");
            }
        }
        return s.toString();
    }
}
