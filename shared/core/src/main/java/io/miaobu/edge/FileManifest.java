package io.miaobu.edge;

import io.miaobu.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A deployment's file list as the edge reads it from a key-value store (ESA edge KV): the edge
 * decides which file answers a URL from this list, never by asking storage, because an ESA
 * routine may have at most 4 sub-requests in flight and its one origin fetch is the file itself.
 * edge/src/manifest.js reads what this writes; both run edge/test/vectors/manifest.json.
 *
 * <p>Under {@link #key(String)} a site whose list fits in one value (at most {@code maxBytes})
 * has {@code {"deploymentId", "shards": 1, "paths": [...]}}; a bigger one has
 * {@code {"deploymentId", "shards": N}} there and shard {@code k} under {@link #key(String, int)}:
 * {@code {"deploymentId", "shard": k, "shards": N, "paths": [...]}}. A path is in shard
 * {@link #shard}: FNV-1a (32 bits) of the UTF-8 of its stem (without {@code /index.html},
 * {@code index.html} or {@code .html}) mod N, so a page and its clean URL forms share a shard; the
 * root {@code index.html} and every {@code 404.html} are in every shard, so any not-found decision
 * reads one shard. N is the smallest power of two that keeps every shard within {@code maxBytes}.
 */
public final class FileManifest {
    /** Manifest keys start with it; {@code S} is never in a route key (their capitals are A..P). */
    public static final String KEY_PREFIX = "FILES_";
    static final int MAX_SHARDS = 65_536;
    private static final Pattern DEPLOYMENT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");

    private FileManifest() {}

    /** The key of a deployment's manifest (its whole list, or its shard count). */
    public static String key(String deploymentId) {
        if (!DEPLOYMENT_ID.matcher(deploymentId).matches()) {
            throw new IllegalArgumentException("deployment id \"" + deploymentId + "\" cannot name a manifest key (a-z, 0-9, -)");
        }
        return KEY_PREFIX + deploymentId;
    }

    /** The key of shard {@code shard} of a big deployment's manifest. Ids have no {@code _}, so keys never collide. */
    public static String key(String deploymentId, int shard) {
        return key(deploymentId) + "_" + shard;
    }

    /** Whether every shard lists {@code path}. */
    public static boolean inEveryShard(String path) {
        return path.equals("index.html") || path.equals("404.html") || path.endsWith("/404.html");
    }

    /** The shard, of {@code shards}, that lists {@code path}. */
    public static int shard(String path, int shards) {
        return (int) (Integer.toUnsignedLong(fnv1a32(stem(path))) % shards);
    }

    /**
     * The values to store, by key, for a deployment whose files are {@code paths} (relative to its
     * prefix), each at most {@code maxBytes}.
     *
     * @throws IllegalArgumentException when no layout keeps every value within {@code maxBytes}
     */
    public static Map<String, String> values(String deploymentId, Collection<String> paths, int maxBytes) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(paths));
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Object> whole = new LinkedHashMap<>();
        whole.put("deploymentId", deploymentId);
        whole.put("shards", 1);
        whole.put("paths", sorted);
        String single = Json.writeString(whole);
        if (bytes(single) <= maxBytes) {
            out.put(key(deploymentId), single);
            return out;
        }
        Map<String, Object> fallbacksOnly = new LinkedHashMap<>(Map.of("deploymentId", deploymentId, "shard", MAX_SHARDS - 1,
                "shards", MAX_SHARDS, "paths", sorted.stream().filter(FileManifest::inEveryShard).toList()));
        for (int shards = 2; shards <= MAX_SHARDS && bytes(Json.writeString(fallbacksOnly)) <= maxBytes; shards *= 2) {
            List<List<String>> lists = new ArrayList<>();
            for (int k = 0; k < shards; k++) {
                lists.add(new ArrayList<>());
            }
            for (String path : sorted) {
                if (inEveryShard(path)) {
                    lists.forEach(l -> l.add(path));
                } else {
                    lists.get(shard(path, shards)).add(path);
                }
            }
            Map<String, String> values = new LinkedHashMap<>();
            values.put(key(deploymentId), Json.writeString(Map.of("deploymentId", deploymentId, "shards", shards)));
            boolean fits = true;
            for (int k = 0; k < shards && fits; k++) {
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("deploymentId", deploymentId);
                value.put("shard", k);
                value.put("shards", shards);
                value.put("paths", lists.get(k));
                String json = Json.writeString(value);
                fits = bytes(json) <= maxBytes;
                values.put(key(deploymentId, k), json);
            }
            if (fits) {
                return values;
            }
        }
        throw new IllegalArgumentException("The file list of deployment " + deploymentId + " (" + sorted.size()
                + " files) does not fit in " + MAX_SHARDS + " values of " + maxBytes + " bytes; deploy fewer files "
                + "(or fewer files named 404.html, which every part of the list repeats).");
    }

    private static String stem(String path) {
        if (path.equals("index.html")) {
            return "";
        }
        if (path.endsWith("/index.html")) {
            return path.substring(0, path.length() - "/index.html".length());
        }
        return path.endsWith(".html") ? path.substring(0, path.length() - ".html".length()) : path;
    }

    private static int fnv1a32(String text) {
        int h = 0x811c9dc5;
        for (byte b : utf8(text)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    // As JavaScript's TextEncoder: a lone surrogate is U+FFFD (Java's encoder would write '?').
    private static byte[] utf8(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            clean.appendCodePoint(Character.getType(cp) == Character.SURROGATE ? 0xFFFD : cp);
        }
        return clean.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }
}
