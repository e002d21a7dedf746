package io.miaobu.testkit.memory;

import io.miaobu.store.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Objects as byte arrays under their keys, listed in key order as OSS lists them. */
public final class InMemoryArtifactStore implements ArtifactStore {
    private record StoredObject(byte[] bytes, String contentType) {}

    private final ConcurrentSkipListMap<String, StoredObject> objects = new ConcurrentSkipListMap<>();

    @Override
    public void put(String key, Path source, String contentType) throws IOException {
        objects.put(key, new StoredObject(Files.readAllBytes(source), contentType));
    }

    @Override
    public Optional<InputStream> open(String key) {
        return Optional.ofNullable(objects.get(key)).map(o -> new ByteArrayInputStream(o.bytes()));
    }

    @Override
    public void copy(String from, String to, String contentType) throws IOException {
        StoredObject source = objects.get(from);
        if (source == null) {
            throw new NoSuchFileException(from);
        }
        objects.put(to, new StoredObject(source.bytes(), contentType));
    }

    @Override
    public boolean exists(String key) {
        return objects.containsKey(key);
    }

    @Override
    public List<String> list(String prefix) {
        requireFolder(prefix);
        return objects.tailMap(prefix).keySet().stream().takeWhile(k -> k.startsWith(prefix)).toList();
    }

    @Override
    public int deletePrefix(String prefix) {
        List<String> keys = list(prefix);
        keys.forEach(objects::remove);
        return keys.size();
    }

    // As OSS and the disk store refuse them: a prefix that is no folder, or that climbs out of one.
    private static void requireFolder(String prefix) {
        if (prefix.isEmpty() || !prefix.endsWith("/") || Arrays.asList(prefix.split("/")).contains("..")) {
            throw new IllegalArgumentException("prefix must name a folder ending in /: " + prefix);
        }
    }
}
