package io.miaobu.functions;

/**
 * The URL path a function file answers, Vercel's way: {@code api/users/[id]} -> {@code /api/users/[id]},
 * {@code api/index} -> {@code /api}, {@code api/blog/index} -> {@code /api/blog}.
 */
public final class FunctionRoutes {
    private FunctionRoutes() {}

    /** @param name the file's path relative to the project's root, '/'-separated, without its extension */
    public static String route(String name) {
        String route = "/" + name;
        if (route.endsWith("/index")) {
            route = route.substring(0, route.length() - "/index".length());
        }
        return route.isEmpty() ? "/" : route;
    }

    /** Whether a file or folder name is never a function: private ({@code _lib}), hidden, or a test. */
    public static boolean ignored(String fileName) {
        return fileName.startsWith("_") || fileName.startsWith(".") || fileName.equals("node_modules")
                || fileName.matches(".*\\.(test|spec)\\.[^.]+");
    }
}
