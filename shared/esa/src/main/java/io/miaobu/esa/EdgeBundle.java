package io.miaobu.esa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes one ES module of the edge routine and the modules it imports, because an ESA routine's
 * code is a single file. Each imported module runs in its own function scope (so two modules may
 * both have a private {@code page} helper) and hands its exports to the modules importing it; the
 * entry stays at top level with its {@code export default}. Only what edge/src uses is supported
 * (named imports of relative modules, {@code export function|class|const|let}); anything else
 * fails with the file and what to change, rather than producing a routine that breaks at the edge.
 * Placeholders (e.g. {@code __MIAOBU_KV_NAMESPACE__}) are replaced in the result.
 */
public final class EdgeBundle {
    private static final Pattern IMPORT = Pattern.compile("^import\\s*\\{([^}]*)\\}\\s*from\\s*['\"]([^'\"]+)['\"];?[ \\t]*$", Pattern.MULTILINE);
    private static final Pattern ANY_IMPORT = Pattern.compile("^\\s*import[\\s{*'\"]", Pattern.MULTILINE);
    private static final Pattern DYNAMIC_IMPORT = Pattern.compile("\\bimport\\s*\\(|\\bimport\\.meta\\b");
    private static final Pattern EXPORT_DECL = Pattern.compile("^export\\s+((?:async\\s+)?function\\*?|class|const|let)\\s+([A-Za-z_$][\\w$]*)", Pattern.MULTILINE);
    private static final Pattern EXPORT_DEFAULT = Pattern.compile("^export\\s+default\\b", Pattern.MULTILINE);
    private static final Pattern ANY_EXPORT = Pattern.compile("^\\s*export\\b", Pattern.MULTILINE);

    private EdgeBundle() {}

    /** The single-file routine: {@code entry} (e.g. esa.js) in {@code srcDir} with its imports inlined. */
    public static String bundle(Path srcDir, String entry, Map<String, String> replacements) throws IOException {
        Map<String, Module> modules = new LinkedHashMap<>();
        load(srcDir, entry, modules, new LinkedHashSet<>());
        StringBuilder out = new StringBuilder("// Miaobu edge routine: ").append(entry)
                .append(" and its imports as one module, made by ./miaobu edge publish. Do not edit; edit edge/src.\n");
        for (Module m : modules.values()) {
            if (m.name.equals(entry)) {
                continue;
            }
            out.append("\nconst ").append(variable(m.name)).append(" = (() => {\n").append(m.body.strip()).append("\n\nreturn { ")
                    .append(String.join(", ", m.exports)).append(" };\n})();\n");
        }
        out.append("\n").append(modules.get(entry).body.strip()).append("\n");
        String code = out.toString();
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            if (!code.contains(r.getKey())) {
                throw new IllegalStateException(entry + " has no placeholder " + r.getKey() + " to fill in; edge/src and the publisher disagree");
            }
            code = code.replace(r.getKey(), r.getValue());
        }
        return code;
    }

    private record Module(String name, String body, List<String> exports) {}

    /** Loads {@code name} after its dependencies, so {@code modules} is in the order they must run. */
    private static void load(Path dir, String name, Map<String, Module> modules, Set<String> loading) throws IOException {
        if (modules.containsKey(name)) {
            return;
        }
        if (!loading.add(name)) {
            throw new IllegalStateException("edge/src/" + name + " is part of an import cycle (" + String.join(" -> ", loading)
                    + "); the routine bundle needs modules that import each other one way only");
        }
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
            throw new IllegalStateException("edge module " + name + " not found in " + dir);
        }
        String source = Files.readString(file);
        if (DYNAMIC_IMPORT.matcher(source).find()) {
            throw new IllegalStateException("edge/src/" + name + " uses import() or import.meta, which one bundled routine file cannot resolve");
        }
        StringBuilder body = new StringBuilder();
        Matcher m = IMPORT.matcher(source);
        int last = 0;
        while (m.find()) {
            String from = m.group(2);
            if (!from.startsWith("./") || !from.endsWith(".js") || from.substring(2).contains("/")) {
                throw new IllegalStateException("edge/src/" + name + " imports " + from + ": the ESA routine can only use modules "
                        + "beside it in edge/src (no packages, no node: modules)");
            }
            String dependency = from.substring(2);
            load(dir, dependency, modules, loading);
            List<String> bindings = new ArrayList<>();
            for (String spec : m.group(1).split(",")) {
                String s = spec.trim();
                if (s.isEmpty()) {
                    continue;
                }
                String[] parts = s.split("\\s+as\\s+");
                if (!modules.get(dependency).exports.contains(parts[0].trim())) {
                    throw new IllegalStateException("edge/src/" + name + " imports " + parts[0].trim() + " from " + dependency + ", which does not export it");
                }
                bindings.add(parts.length == 2 ? parts[0].trim() + ": " + parts[1].trim() : parts[0].trim());
            }
            body.append(source, last, m.start()).append("const { ").append(String.join(", ", bindings)).append(" } = ")
                    .append(variable(dependency)).append(";");
            last = m.end();
        }
        body.append(source.substring(last));
        String code = body.toString();
        if (ANY_IMPORT.matcher(code).find()) {
            throw new IllegalStateException("edge/src/" + name + " has an import the bundler does not understand; use `import { a, b } from './x.js';`");
        }
        List<String> exports = new ArrayList<>();
        Matcher e = EXPORT_DECL.matcher(code);
        while (e.find()) {
            exports.add(e.group(2));
        }
        code = EXPORT_DECL.matcher(code).replaceAll("$1 $2");
        boolean entry = loading.size() == 1;
        if (!entry && EXPORT_DEFAULT.matcher(code).find()) {
            throw new IllegalStateException("edge/src/" + name + " has an export default, but only the routine's entry may");
        }
        String rest = EXPORT_DEFAULT.matcher(code).replaceAll("");
        if (ANY_EXPORT.matcher(rest).find()) {
            throw new IllegalStateException("edge/src/" + name + " has an export the bundler does not understand; use `export function|class|const|let name`");
        }
        if (entry && !EXPORT_DEFAULT.matcher(code).find()) {
            throw new IllegalStateException("edge/src/" + name + " has no `export default { fetch }`, which an ESA routine needs");
        }
        loading.remove(name);
        modules.put(name, new Module(name, code, exports));
    }

    private static String variable(String module) {
        return "__miaobu_" + module.replaceAll("\\.js$", "").replaceAll("[^A-Za-z0-9_$]", "_");
    }
}
