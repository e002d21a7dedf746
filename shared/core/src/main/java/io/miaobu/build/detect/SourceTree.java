package io.miaobu.build.detect;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a repository's files for detection. Paths are relative, '/'-separated;
 * "" is the tree's root. Detection never runs the project's code: it only reads files.
 */
public interface SourceTree {
    /** True when the path exists (file or directory). */
    boolean exists(String path);

    /** True when the path is a regular file. */
    boolean isFile(String path);

    /** The file as UTF-8 text; empty when missing, not a file, or too large to be a config file. */
    Optional<String> read(String path);

    /** Names directly inside a directory; empty when it is missing. */
    List<String> list(String directory);

    /** The same tree seen from a sub-directory ("" for this one). */
    default SourceTree at(String directory) {
        String normalized = TreePaths.normalize(directory);
        String prefix = normalized.isEmpty() ? "" : normalized + "/";
        if (prefix.isEmpty()) {
            return this;
        }
        SourceTree parent = this;
        return new SourceTree() {
            @Override
            public boolean exists(String path) {
                return parent.exists(prefix + path);
            }

            @Override
            public boolean isFile(String path) {
                return parent.isFile(prefix + path);
            }

            @Override
            public Optional<String> read(String path) {
                return parent.read(prefix + path);
            }

            @Override
            public List<String> list(String dir) {
                return parent.list(dir.isEmpty() ? prefix.substring(0, prefix.length() - 1) : prefix + dir);
            }
        };
    }
}
