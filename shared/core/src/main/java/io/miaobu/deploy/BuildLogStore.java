package io.miaobu.deploy;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

public interface BuildLogStore {
    /** Lines are numbered by their single writer (the builder), so appends never race. */
    void append(String deploymentId, List<LogLine> lines);

    /** Lines with n greater than {@code after}, in order, at most {@code limit}. */
    List<LogLine> after(String deploymentId, long after, int limit);

    /** The writer has written its last line, numbered {@code lastLine} (0 for none). */
    void end(String deploymentId, long lastLine, Instant at);

    /** The last line's number once the writer has ended the log; empty while it may still write. */
    OptionalLong lastLine(String deploymentId);
}
