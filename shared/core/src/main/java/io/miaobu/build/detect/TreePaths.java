package io.miaobu.build.detect;

import java.util.ArrayList;
import java.util.List;

/** Relative, '/'-separated paths inside a source tree ("" is its root). */
final class TreePaths {
    private TreePaths() {}

    /** "./a/b/" -> "a/b"; null, "." and "/" -> "". */
    static String normalize(String dir) {
        if (dir == null) {
            return "";
        }
        String d = dir.strip().replace('\\', '/');
        while (d.startsWith("./")) {
            d = d.substring(2);
        }
        while (d.startsWith("/")) {
            d = d.substring(1);
        }
        while (d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d.equals(".") ? "" : d;
    }

    static String join(String dir, String path) {
        String d = normalize(dir);
        String p = normalize(path);
        if (d.isEmpty()) {
            return p;
        }
        return p.isEmpty() ? d : d + "/" + p;
    }

    /** The parent directory, or null for the root. */
    static String parent(String dir) {
        if (dir.isEmpty()) {
            return null;
        }
        int slash = dir.lastIndexOf('/');
        return slash < 0 ? "" : dir.substring(0, slash);
    }

    /** Resolves "a/b" + "../c" to "a/c"; a path climbing above the root stays as given (the builder rejects it). */
    static String resolve(String dir, String relative) {
        List<String> parts = new ArrayList<>();
        for (String p : (normalize(dir) + "/" + normalize(relative)).split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    return join(dir, relative);
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(p);
            }
        }
        return String.join("/", parts);
    }

    /** Expands {a,b} alternatives: "vite.config.{ts,js}" -> [vite.config.ts, vite.config.js]. */
    static List<String> expand(String glob) {
        int open = glob.indexOf('{');
        if (open < 0) {
            return List.of(glob);
        }
        int close = glob.indexOf('}', open);
        List<String> out = new ArrayList<>();
        for (String alt : glob.substring(open + 1, close).split(",", -1)) {
            out.addAll(expand(glob.substring(0, open) + alt + glob.substring(close + 1)));
        }
        return out;
    }
}
