package io.miaobu.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where deployment files live: one object per file, keyed {@code sites/{projectId}/{deploymentId}/{path}}.
 * Objects are immutable once written; a deployment never changes after it is READY.
 */
public interface ArtifactStore {
    void put(String key, Path source, String contentType) throws IOException;

    Optional<InputStream> open(String key) throws IOException;

    /**
     * Puts a copy of the object at {@code from} under {@code to}, without the bytes passing through
     * this process (OSS: CopyObject; disk: a hard link where possible). Used to build a deployment
     * from content the project already has.
     *
     * @throws java.nio.file.NoSuchFileException when there is no object at {@code from}
     */
    void copy(String from, String to, String contentType) throws IOException;

    boolean exists(String key) throws IOException;

    /** Keys under the prefix, in no particular order. */
    List<String> list(String prefix) throws IOException;

    /** Removes every object under the prefix; returns how many were removed. */
    int deletePrefix(String prefix) throws IOException;
}
