package io.miaobu.deploy;

import java.util.List;

public interface BuildLogStore {
    /** Lines are numbered by their single writer (the builder), so appends never race. */
    void append(String deploymentId, List<LogLine> lines);

    /** Lines with n greater than {@code after}, in order, at most {@code limit}. */
    List<LogLine> after(String deploymentId, long after, int limit);
}
