package io.miaobu.dynamic;

import io.miaobu.build.BuildFailure;
import io.miaobu.build.RepositoryPaths;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The functions of a project, found by file name as Vercel and Netlify find them: every file with one of a
 * runtime's extensions under {@code api/} answers {@code /api/<its path>} ({@code api/users/[id].js} answers
 * {@code /api/users/42}); every {@code netlify/functions/<name>.js} (or {@code <name>/index.js},
 * {@code <name>/<name>.js}) answers {@code /.netlify/functions/<name>}. Helpers are not functions: names
 * starting with {@code _} or {@code .}, {@code *.d.ts}, tests ({@code *.test.*}, {@code *.spec.*}) and
 * {@code node_modules}.
 */
public final class FunctionSources {
    private FunctionSources() {}

    /**
     * One function's source.
     *
     * @param name the source path without its extension ({@code api/users/[id]}, {@code netlify/functions/hello})
     * @param route the URL path it answers ({@code /api/users/[id]})
     * @param source the file, relative to the project's root directory
     */
    public record Source(String name, String route, String source) {}

    public static final String API = "api";
    public static final String NETLIFY = "netlify/functions";

    private static final Pattern PLAIN_SEGMENT = Pattern.compile("[\\p{L}\\p{N}._~-]+");
    private static final Pattern DYNAMIC_SEGMENT = Pattern.compile("\\[(?:\\[\\.\\.\\.([A-Za-z_$][\\w$]*)]|\\.\\.\\.([A-Za-z_$][\\w$]*)|([A-Za-z_$][\\w$]*))]");

    /**
     * The functions under {@code api/} and {@code netlify/functions/} of {@code root} whose files end with one
     * of {@code extensions} (".js", ".ts"), in path order.
     *
     * @throws BuildFailure when a file's path cannot be a route, or two files answer one route
     */
    public static List<Source> find(Path root, Set<String> extensions) throws IOException, BuildFailure {
        List<Source> found = new ArrayList<>();
        for (String relative : files(root, API, extensions)) {
            String path = stripExtension(relative, extensions);
            List<String> segments = new ArrayList<>(List.of(path.split("/")));
            if (segments.get(segments.size() - 1).equals("index")) {
                segments.remove(segments.size() - 1);
            }
            found.add(new Source(path, route(relative, segments), relative));
        }
        for (String relative : files(root, NETLIFY, extensions)) {
            String inside = stripExtension(relative, extensions).substring(NETLIFY.length() + 1);
            String[] parts = inside.split("/");
            // netlify/functions/hello.js, hello/index.js, hello/hello.js; other files of a folder are its helpers.
            boolean function = parts.length == 1 || (parts.length == 2 && (parts[1].equals("index") || parts[1].equals(parts[0])));
            if (function) {
                String name = parts[0];
                found.add(new Source(NETLIFY + "/" + name, route(relative, List.of(".netlify", "functions", name)), relative));
            }
        }
        found.sort(Comparator.comparing(Source::source));
        failOnSharedRoutes(found);
        return found;
    }

    /** Two files for one route (api/hello.js and api/hello.ts, api/[id].js and api/[slug].js) cannot both answer it. */
    public static void failOnSharedRoutes(List<Source> sources) throws BuildFailure {
        Map<String, Source> byRoute = new LinkedHashMap<>();
        for (Source s : sources) {
            Source other = byRoute.putIfAbsent(shape(s.route()), s);
            if (other != null) {
                throw new BuildFailure("Two functions answer " + other.route() + ": " + other.source() + " and " + s.source()
                        + ". Remove or rename one of them.");
            }
        }
    }

    /** A route with its parameters' names left out: /api/[id] and /api/[slug] match the same paths. */
    private static String shape(String route) {
        StringBuilder shape = new StringBuilder();
        for (String segment : route.substring(1).split("/")) {
            var dynamic = DYNAMIC_SEGMENT.matcher(segment);
            shape.append('/').append(!dynamic.matches() ? segment : dynamic.group(3) != null ? "[]" : "[...]");
        }
        return shape.toString();
    }

    private static String route(String source, List<String> segments) throws BuildFailure {
        StringBuilder route = new StringBuilder();
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            var dynamic = DYNAMIC_SEGMENT.matcher(segment);
            if (dynamic.matches()) {
                boolean catchAll = dynamic.group(3) == null;
                if (catchAll && i != segments.size() - 1) {
                    throw new BuildFailure(source + ": a catch-all segment (" + segment + ") must be the last part of a function's path.");
                }
            } else if (!PLAIN_SEGMENT.matcher(segment).matches()) {
                throw new BuildFailure(source + ": a function's path may contain letters, digits, - _ . ~ and whole [param], "
                        + "[...rest] or [[...rest]] segments only; rename \"" + segment + "\".");
            }
            route.append('/').append(segment);
        }
        return route.toString();
    }

    private static String stripExtension(String path, Set<String> extensions) {
        for (String ext : extensions) {
            if (path.endsWith(ext)) {
                return path.substring(0, path.length() - ext.length());
            }
        }
        return path;
    }

    private static boolean helper(String name) {
        return name.startsWith("_") || name.startsWith(".") || name.equals("node_modules");
    }

    /** Type declarations and tests sit beside functions without being ones (Python's test_x.py and x_test.py too). */
    private static boolean test(String name) {
        return name.endsWith(".d.ts") || name.matches(".*\\.(test|spec)\\.[^.]+$") || name.equals("__init__.py")
                || name.endsWith(".py") && (name.startsWith("test_") || name.endsWith("_test.py"));
    }

    private static List<String> files(Path root, String folder, Set<String> extensions) throws IOException {
        Path dir = root.resolve(folder);
        if (!Files.isDirectory(dir) || !RepositoryPaths.insideRealPath(root, dir)) {
            return List.of();
        }
        List<String> files = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return d.equals(dir) || !helper(d.getFileName().toString()) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                boolean source = extensions.stream().anyMatch(name::endsWith) && !helper(name) && !test(name);
                // A link is followed only where it stays inside the project (the build reads nothing else).
                if (source && (attrs.isRegularFile() || attrs.isSymbolicLink() && Files.isRegularFile(file)
                        && RepositoryPaths.insideRealPath(root, file))) {
                    files.add(root.relativize(file).toString().replace('\\', '/'));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }
}
