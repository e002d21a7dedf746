package io.miaobu.build.detect;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** A source tree from a {@code path -> content} map, for fixture tests. */
final class MapSourceTree implements SourceTree {
    private final TreeMap<String, String> files;

    MapSourceTree(Map<String, String> files) {
        this.files = new TreeMap<>(files);
    }

    @Override
    public boolean exists(String path) {
        return files.containsKey(path) || isDirectory(path);
    }

    private boolean isDirectory(String path) {
        String prefix = path.isEmpty() ? "" : path + "/";
        String next = files.ceilingKey(prefix);
        return next != null && next.startsWith(prefix);
    }

    @Override
    public boolean isFile(String path) {
        return files.containsKey(path);
    }

    @Override
    public Optional<String> read(String path) {
        return Optional.ofNullable(files.get(path));
    }

    @Override
    public List<String> list(String directory) {
        String prefix = directory.isEmpty() ? "" : directory + "/";
        TreeSet<String> names = new TreeSet<>();
        files.tailMap(prefix).keySet().stream().takeWhile(k -> k.startsWith(prefix))
                .forEach(k -> names.add(k.substring(prefix.length()).split("/")[0]));
        return List.copyOf(names);
    }
}
