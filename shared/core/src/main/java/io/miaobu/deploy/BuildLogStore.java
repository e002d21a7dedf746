package io.miaobu.deploy;

import java.time.Instant;
import java.util.List;

public interface BuildLogStore extends LogSource {
    /** Lines are numbered by their single writer (the builder), so appends never race. */
    void append(String deploymentId, List<LogLine> lines);


    /** The writer has written its last line, numbered {@code lastLine} (0 for none). */
    void end(String deploymentId, long lastLine, Instant at);

}
