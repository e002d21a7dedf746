package io.miaobu.build.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.miaobu.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The apps of a monorepo, for a build of its root that found nothing to publish: the workspace
 * folders (pnpm-workspace.yaml, or package.json {@code workspaces}) that have a build, so the error
 * can name the rootDirectory to set rather than a missing {@code dist}.
 */
public final class MonorepoApps {
    private static final Pattern PNPM_PACKAGE = Pattern.compile("(?m)^\\s*-\\s*['\"]?([^'\"#\\s]+)['\"]?");
    private static final int MAX_APPS = 20;

    private MonorepoApps() {}

    /** "apps/web (Vite (React))" for each workspace folder with a build, in the order the workspace names them. */
    public static List<String> find(SourceTree repo) {
        List<String> apps = new ArrayList<>();
        FrameworkDetector detector = FrameworkDetector.standard();
        for (String dir : workspaceFolders(repo)) {
            Detection d = detector.detect(repo, dir);
            if (d.buildCommand() != null && apps.size() < MAX_APPS) {
                apps.add(dir + (d.framework() == null ? "" : " (" + d.framework().name() + ")"));
            }
        }
        return apps;
    }

    private static Set<String> workspaceFolders(SourceTree repo) {
        List<String> patterns = new ArrayList<>();
        repo.read("pnpm-workspace.yaml").ifPresent(yaml -> {
            Matcher m = PNPM_PACKAGE.matcher(yaml.substring(Math.max(0, yaml.indexOf("packages:"))));
            while (m.find()) {
                patterns.add(m.group(1));
            }
        });
        Optional<String> pkg = repo.read("package.json");
        if (pkg.isPresent()) {
            try {
                JsonNode workspaces = Json.MAPPER.readTree(pkg.get()).path("workspaces");
                (workspaces.isArray() ? workspaces : workspaces.path("packages")).forEach(w -> patterns.add(w.asText()));
            } catch (IOException e) {
                // detection already says package.json is broken
            }
        }
        Set<String> folders = new LinkedHashSet<>();
        for (String pattern : patterns) {
            if (pattern.startsWith("!") || pattern.contains("..")) {
                continue;
            }
            String p = TreePaths.normalize(pattern.replaceAll("/\\*\\*?$", "/*"));
            if (p.endsWith("/*")) {
                String parent = p.substring(0, p.length() - 2);
                for (String name : repo.list(parent)) {
                    if (repo.isFile(TreePaths.join(TreePaths.join(parent, name), "package.json"))) {
                        folders.add(TreePaths.join(parent, name));
                    }
                }
            } else if (!p.contains("*") && repo.isFile(TreePaths.join(p, "package.json"))) {
                folders.add(p);
            }
        }
        return folders;
    }
}
